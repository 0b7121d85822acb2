package vtl

import (
	"fmt"
	"strings"
	"testing"
)

type lexTest struct {
	name  string
	input string
	items []item
}

func mkItem(typ itemType, text string) item { return item{typ: typ, val: text} }

var (
	tEOF    = mkItem(itemEOF, "")
	tLpar   = mkItem(itemLeftParen, "(")
	tRpar   = mkItem(itemRightParen, ")")
	tLbrack = mkItem(itemLeftBracket, "[")
	tRbrack = mkItem(itemRightBracket, "]")
	tLbrace = mkItem(itemLeftBrace, "{")
	tRbrace = mkItem(itemRightBrace, "}")
	tSpace  = mkItem(itemSpace, " ")
	tComma  = mkItem(itemComma, ",")
	tAssign = mkItem(itemAssign, "=")
	tSet    = mkItem(itemSet, "#set")
	tIf     = mkItem(itemIf, "#if")
	tElse   = mkItem(itemElse, "#else")
	tEnd    = mkItem(itemEnd, "#end")
)

func tText(s string) item  { return mkItem(itemText, s) }
func tRef(s string) item   { return mkItem(itemRef, s) }
func tField(s string) item { return mkItem(itemField, s) }
func tOp(s string) item    { return mkItem(itemOperator, s) }
func tNum(s string) item   { return mkItem(itemNumber, s) }
func tErr(s string) item   { return mkItem(itemError, s) }

var lexTests = []lexTest{
	{"empty", "", []item{tEOF}},
	{"text", "now is the time", []item{tText("now is the time"), tEOF}},
	{"dollarAndHashInText", "a $ b # c $5 #5 \\n $!$", []item{tText("a $ b # c $5 #5 \\n $!$"), tEOF}},
	{"ref", "a$b c", []item{tText("a"), tRef("$b"), tText(" c"), tEOF}},
	{"refForms", "$!a${b}$!{c}", []item{tRef("$!a"), tRef("${b"), tRbrace, tRef("$!{c"), tRbrace, tEOF}},
	{"refName", "$a-b_1.c", []item{tRef("$a-b_1"), tField(".c"), tEOF}},
	{"steps", "$a.b.c(1, 'x')[0].d", []item{
		tRef("$a"), tField(".b"), tField(".c"), tLpar, tNum("1"), tComma, tSpace, mkItem(itemString, "'x'"), tRpar,
		tLbrack, tNum("0"), tRbrack, tField(".d"), tEOF}},
	{"notSteps", "$a (x) $a.5 $a.", []item{tRef("$a"), tText(" (x) "), tRef("$a"), tText(".5 "), tRef("$a"), tText("."), tEOF}},
	{"callOnlyAfterField", "$a(1)", []item{tRef("$a"), tText("(1)"), tEOF}},
	{"nestedRefs", "$a[$b.c($d)]", []item{tRef("$a"), tLbrack, tRef("$b"), tField(".c"), tLpar, tRef("$d"), tRpar, tRbrack, tEOF}},
	{"formalInMap", "#set($m = {'k': ${v}})", []item{
		tSet, tLpar, tRef("$m"), tSpace, tAssign, tSpace, tLbrace, mkItem(itemString, "'k'"), mkItem(itemColon, ":"), tSpace,
		tRef("${v"), tRbrace, tRbrace, tRpar, tEOF}},
	{"escapedRef", `\$a \\\$b.c`, []item{mkItem(itemEscape, `\`), tRef("$a"), tText(" "), mkItem(itemEscape, `\\\`), tRef("$b"), tField(".c"), tEOF}},
	{"escapedDirective", `\#if \\#end \\\#{else}`, []item{
		mkItem(itemEscapedDirective, `\#if`), tText(" "), mkItem(itemBackslashes, `\\`), tEnd, mkItem(itemText, " "),
		mkItem(itemEscapedDirective, `\\\#{else}`), tEOF}},
	{"backslashesInText", `C:\dir\ \#x`, []item{tText(`C:\dir\ \#x`), tEOF}},
	{"bangDollar", "$!5 $!{ $!$a", []item{mkItem(itemBangDollar, "$!"), tText("5 $!{ $!"), tRef("$a"), tEOF}},
	{"bangDollarAtEnd", "ab$!", []item{tText("ab"), tErr("lexical error: $! at the end of the text")}},
	{"lineComment", "a## x\r\nb##", []item{tText("a"), mkItem(itemLineComment, "## x\r\n"), tText("b"), mkItem(itemLineComment, "##"), tEOF}},
	{"blockComment", "a#* x\n*#b#**#", []item{tText("a"), mkItem(itemBlockComment, "#* x\n*#"), tText("b"), mkItem(itemBlockComment, "#**#"), tEOF}},
	{"unterminatedComment", "a#*#", []item{tText("a"), tErr("unterminated #* comment")}},
	{"raw", "#[[$a #if]]#x", []item{mkItem(itemRaw, "#[[$a #if]]#"), tText("x"), tEOF}},
	{"unterminatedRaw", "#[[x]#", []item{tErr("unterminated #[[ block")}},
	{"notDirectives", "#foo #{set #{_x} #set_x #", []item{tText("#foo #{set #{_x} #set_x #"), tEOF}},
	{"directives", "#{if}(true)#{else}#{end}#break#stop#define($d)#macro", []item{
		mkItem(itemIf, "#{if}"), tLpar, mkItem(itemBool, "true"), tRpar, mkItem(itemElse, "#{else}"), mkItem(itemEnd, "#{end}"),
		mkItem(itemBreak, "#break"), mkItem(itemStop, "#stop"), mkItem(itemDefine, "#define"), tLpar, tRef("$d"), tRpar,
		mkItem(itemMacro, "#macro"), tEOF}},
	{"trails", "#if(1) \nx#else\t\r\n#end  y", []item{
		tIf, tLpar, tNum("1"), tRpar, mkItem(itemTrail, " \n"), tText("x"), tElse, mkItem(itemTrail, "\t\r\n"), tEnd, tText("  y"), tEOF}},
	{"setLead", "  #set ($a = 1)\n", []item{
		mkItem(itemLead, "  "), tSet, tSpace, tLpar, tRef("$a"), tSpace, tAssign, tSpace, tNum("1"), tRpar, mkItem(itemTrail, "\n"), tEOF}},
	{"leadOnlyAfterAToken", "x  #set($a=1)$a  #{set}($b=2)\n  #set($c=3)", []item{
		tText("x  "), tSet, tLpar, tRef("$a"), tAssign, tNum("1"), tRpar, tRef("$a"), mkItem(itemLead, "  "),
		mkItem(itemSet, "#{set}"), tLpar, tRef("$b"), tAssign, tNum("2"), tRpar, mkItem(itemTrail, "\n"),
		mkItem(itemLead, "  "), tSet, tLpar, tRef("$c"), tAssign, tNum("3"), tRpar, tEOF}},
	{"noParen", "#if x", []item{tIf, tText(" x"), tEOF}},
	{"numbers", "#set($x = [1..-2, 2.5, .5, 1e3, 1E+3, 7e, 1.])", []item{
		tSet, tLpar, tRef("$x"), tSpace, tAssign, tSpace, tLbrack, tNum("1"), mkItem(itemRange, ".."), tOp("-"), tNum("2"), tComma, tSpace,
		tNum("2.5"), tComma, tSpace, tNum(".5"), tComma, tSpace, tNum("1e3"), tComma, tSpace, tNum("1E+3"), tComma, tSpace,
		tNum("7"), mkItem(itemIdentifier, "e"), tComma, tSpace, tNum("1"), mkItem(itemChar, "."), tRbrack, tRpar, tEOF}},
	{"strings", `#set($s = "a""b$c" + 'it''s')`, []item{
		tSet, tLpar, tRef("$s"), tSpace, tAssign, tSpace, mkItem(itemString, `"a""b$c"`), tSpace, tOp("+"), tSpace,
		mkItem(itemString, `'it''s'`), tRpar, tEOF}},
	{"unterminatedString", `#set($s = "a""`, []item{tSet, tLpar, tRef("$s"), tSpace, tAssign, tSpace, tErr("unterminated string literal")}},
	{"operators", "#if(!$a||$b&&$c==1!=2<3>4<=5>=6+7-8*9/1%2)", []item{
		tIf, tLpar, mkItem(itemNot, "!"), tRef("$a"), tOp("||"), tRef("$b"), tOp("&&"), tRef("$c"), tOp("=="), tNum("1"), tOp("!="), tNum("2"),
		tOp("<"), tNum("3"), tOp(">"), tNum("4"), tOp("<="), tNum("5"), tOp(">="), tNum("6"), tOp("+"), tNum("7"), tOp("-"), tNum("8"),
		tOp("*"), tNum("9"), tOp("/"), tNum("1"), tOp("%"), tNum("2"), tRpar, tEOF}},
	{"words", "#foreach($i in [])#if(not $a and $b or true eq1 andy in_x)", []item{
		mkItem(itemForeach, "#foreach"), tLpar, tRef("$i"), tSpace, mkItem(itemIn, "in"), tSpace, tLbrack, tRbrack, tRpar,
		tIf, tLpar, mkItem(itemNot, "not"), tSpace, tRef("$a"), tSpace, tOp("and"), tSpace, tRef("$b"), tSpace, tOp("or"), tSpace,
		mkItem(itemBool, "true"), tSpace, tOp("eq"), tNum("1"), tSpace, mkItem(itemIdentifier, "andy"), tSpace,
		mkItem(itemIdentifier, "in_x"), tRpar, tEOF}},
	{"chars", "#if($ # é)", []item{tIf, tLpar, mkItem(itemChar, "$"), tSpace, mkItem(itemChar, "#"), tSpace, mkItem(itemChar, "é"), tRpar, tEOF}},
	// A closing bracket that matches no open one closes nothing.
	{"mismatchedClose", "#if([1)x])z", []item{
		tIf, tLpar, tLbrack, tNum("1"), tRpar, mkItem(itemIdentifier, "x"), tRbrack, tRpar, tText("z"), tEOF}},
	{"unclosedAtEOF", "#if(($a", []item{tIf, tLpar, tLpar, tRef("$a"), tEOF}},
	{"braceName", "$a{b.c}{d}", []item{tRef("$a"), mkItem(itemBraceName, "{b.c}"), tText("{d}"), tEOF}},
	{"braceRef", "$a{$b.c(1)}x", []item{tRef("$a"), mkItem(itemBraceRef, "{"), tRef("$b"), tField(".c"), tLpar, tNum("1"), tRpar, mkItem(itemBraceRefEnd, "}"), tText("x"), tEOF}},
	{"braceUnclosed", "$a{b c", []item{tRef("$a"), tText("{b"), tErr(`unexpected " c" after {name (Velocity 1.7 reads {name} right after a reference; add a space or use ${...})`)}},
	{"braceRefUnclosed", "$a{$b", []item{tRef("$a"), mkItem(itemBraceRef, "{"), tRef("$b"), tErr(`unexpected "EOF" after {name (Velocity 1.7 reads {name} right after a reference; add a space or use ${...})`)}},
	{"noBraceAfterFormal", "${a}{b}", []item{tRef("${a"), tRbrace, tText("{b}"), tEOF}},
	{"commentAfterProperty", "$a.b##c $a##c\n", []item{tRef("$a"), tField(".b"), tText("##"), tText("c "), tRef("$a"), mkItem(itemLineComment, "##c\n"), tEOF}},
	{"dottedAfterCall", "$a.b()x.y.z w.v", []item{tRef("$a"), tField(".b"), tLpar, tRpar, mkItem(itemDottedName, "x.y.z"), tText(" w.v"), tEOF}},
	{"noDottedWithoutDot", "$a.b()xy", []item{tRef("$a"), tField(".b"), tLpar, tRpar, tText("xy"), tEOF}},
	{"quirksAfterBlockComment", "$a.b#**#{c}", []item{tRef("$a"), tField(".b"), mkItem(itemBlockComment, "#**#"), mkItem(itemBraceName, "{c}"), tEOF}},
	{"quirksAfterSet", "$a #set($b = 1)\nx.y", []item{
		tRef("$a"), mkItem(itemLead, " "), tSet, tLpar, tRef("$b"), tSpace, tAssign, tSpace, tNum("1"), tRpar, mkItem(itemTrail, "\n"),
		mkItem(itemDottedName, "x.y"), tEOF}},
	{"textEndsQuirks", "$a.b()x #set($c = 1)y.z", []item{
		tRef("$a"), tField(".b"), tLpar, tRpar, tText("x "), tSet, tLpar, tRef("$c"), tSpace, tAssign, tSpace, tNum("1"), tRpar, tText("y.z"), tEOF}},
	{"otherDirectiveEndsQuirks", "$a.b()#break x.y", []item{tRef("$a"), tField(".b"), tLpar, tRpar, mkItem(itemBreak, "#break"), tText(" x.y"), tEOF}},
}

// collect gathers the emitted items into a slice.
func collect(input string) []item {
	l := newLexer(input, 0, 1)
	var items []item
	for {
		it := l.nextItem()
		items = append(items, it)
		if it.typ == itemEOF || it.typ == itemError {
			return items
		}
	}
}

func equal(i1, i2 []item, checkPos bool) bool {
	if len(i1) != len(i2) {
		return false
	}
	for k := range i1 {
		if i1[k].typ != i2[k].typ || i1[k].val != i2[k].val {
			return false
		}
		if checkPos && (i1[k].pos != i2[k].pos || i1[k].line != i2[k].line) {
			return false
		}
	}
	return true
}

func TestLex(t *testing.T) {
	for _, test := range lexTests {
		t.Run(test.name, func(t *testing.T) {
			items := collect(test.input)
			if !equal(items, test.items, false) {
				t.Errorf("lex(%q):\ngot\n\t%+v\nexpected\n\t%v", test.input, items, test.items)
			}
			checkCover(t, test.input, items)
		})
	}
}

// checkCover checks that items are contiguous and spell the input (up to
// an error), each with the line it starts on.
func checkCover(t *testing.T, input string, items []item) {
	t.Helper()
	pos := 0
	for _, it := range items {
		if it.pos != pos {
			t.Fatalf("lex(%q): %v at %d, want %d", input, it, it.pos, pos)
		}
		if line, _ := lineCol(input, it.pos); it.line != line {
			t.Fatalf("lex(%q): %v on line %d, want %d", input, it, it.line, line)
		}
		if it.typ == itemError {
			return
		}
		if !strings.HasPrefix(input[pos:], it.val) {
			t.Fatalf("lex(%q): %v is not the input at %d", input, it, pos)
		}
		pos += len(it.val)
	}
	if pos != len(input) || items[len(items)-1].typ != itemEOF {
		t.Fatalf("lex(%q): items end at %d of %d", input, pos, len(input))
	}
}

// TestLexPos checks positions and lines, in the template and inside a
// string literal, whose lexer starts where its text does.
func TestLexPos(t *testing.T) {
	items := collect("a\n#if($b)\n  $c.d\n#end")
	want := []item{
		{itemText, 0, "a\n", 1}, {itemIf, 2, "#if", 2}, {itemLeftParen, 5, "(", 2}, {itemRef, 6, "$b", 2},
		{itemRightParen, 8, ")", 2}, {itemTrail, 9, "\n", 2}, {itemText, 10, "  ", 3}, {itemRef, 12, "$c", 3},
		{itemField, 14, ".d", 3}, {itemText, 16, "\n", 3}, {itemEnd, 17, "#end", 4}, {itemEOF, 21, "", 4},
	}
	if !equal(items, want, true) {
		t.Errorf("got\n\t%v\nwant\n\t%v", fmtItems(items), fmtItems(want))
	}
	l := newLexer("x\n$y", 10, 3)
	if it := l.nextItem(); it.pos != 10 || it.line != 3 {
		t.Errorf("first item %v at %d line %d, want 10 line 3", it, it.pos, it.line)
	}
	if it := l.nextItem(); it.pos != 12 || it.line != 4 {
		t.Errorf("second item %v at %d line %d, want 12 line 4", it, it.pos, it.line)
	}
}

func fmtItems(items []item) string {
	var b strings.Builder
	for _, it := range items {
		fmt.Fprintf(&b, "%d:%d:%v ", it.pos, it.line, it)
	}
	return b.String()
}

func TestItemString(t *testing.T) {
	for _, tc := range []struct {
		it   item
		want string
	}{
		{tText("a\n"), `text "a\n"`},
		{tRef("$a"), `ref "$a"`},
		{tSet, "<#set>"},
		{mkItem(itemElse, "#{else}"), "<#{else}>"},
		{tEOF, "EOF"},
		{tErr("unterminated string literal"), "error: unterminated string literal"},
		{tOp("&&"), `operator "&&"`},
	} {
		if got := tc.it.String(); got != tc.want {
			t.Errorf("%#v.String() = %q, want %q", tc.it, got, tc.want)
		}
	}
}

// TestLexRendered checks what the text items render.
func TestLexRendered(t *testing.T) {
	for _, tc := range []struct {
		it   item
		want string
	}{
		{tText("a b"), "a b"},
		{mkItem(itemRaw, "#[[$a]]#"), "$a"},
		{mkItem(itemEscapedDirective, `\#if`), "#if"},
		{mkItem(itemEscapedDirective, `\\\#{end}`), `\#{end}`},
		{mkItem(itemBackslashes, `\\\\`), `\\`},
		{mkItem(itemBangDollar, "$!"), "$"},
		{mkItem(itemBraceName, "{a.b}"), "{"},
		{mkItem(itemBraceRefEnd, "}"), ""},
		{mkItem(itemDottedName, "abc.def.g"), "abc"},
	} {
		if got, ok := tc.it.rendered(); !ok || got != tc.want {
			t.Errorf("%v.rendered() = %q, %t, want %q, true", tc.it, got, ok, tc.want)
		}
	}
	for _, it := range []item{tRef("$a"), mkItem(itemBraceRef, "{"), mkItem(itemLead, " "), mkItem(itemLineComment, "##\n"), tSet} {
		if _, ok := it.rendered(); ok {
			t.Errorf("%v renders text", it)
		}
	}
}

// FuzzLex checks that the lexer never panics and that its items cover
// the input exactly, in order, each on its line, up to the end or an
// error.
func FuzzLex(f *testing.F) {
	for _, tc := range lexTests {
		f.Add(tc.input)
	}
	seedTemplates(f)
	f.Fuzz(func(t *testing.T, src string) {
		items := collect(src)
		if len(items) > len(src)+1 {
			t.Fatalf("lex(%q): %d items for %d bytes", src, len(items), len(src))
		}
		checkCover(t, src, items)
	})
}
