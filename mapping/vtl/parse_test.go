package vtl

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// parseTests pair a template with its canonical String() form, or with
// the error Parse reports.
var parseTests = []struct {
	name, input, result, err string
}{
	{"text", "plain text", "plain text", ""},
	{"ref", "$a.b.c($x, 'y')[0]", "$a.b.c($x, 'y')[0]", ""},
	{"quietFormal", "$!{a.b}", "$!{a.b}", ""},
	{"set", "#set( $a=1+2*3 )", "#set($a = 1 + 2 * 3)", ""},
	{"setSpace", "#set ($a = -1)", "#set($a = -1)", ""},
	{"setTrail", "#set($a = 1)  \nx", "#set($a = 1)  \nx", ""},
	{"setLead", "  #set($a = 1)", "  #set($a = 1)", ""},
	{"if", "#if($a == 1 && !$b)x#elseif( $c )y#else z#end", "#if($a == 1 && !$b)x#elseif($c)y#{else} z#{end}", ""},
	{"wordOps", "#if($a eq 1 and not $b or $c ne 2)#end", "#if($a == 1 && !$b || $c != 2)#{end}", ""},
	{"parens", "#set($a = (1 + 2) * 3)", "#set($a = (1 + 2) * 3)", ""},
	{"foreach", "#foreach( $x in [1..3] )$x#end", "#foreach($x in [1..3])$x#{end}", ""},
	{"literals", `#set($m = {"a" : [1, 'b', 2.5, true], 'c': {}})`, `#set($m = {"a": [1, 'b', 2.5, true], 'c': {}})`, ""},
	{"quotes", `#set($s = "a""b")`, `#set($s = "a""b")`, ""},
	{"define", "#define( $b )x#end", "#define($b)x#{end}", ""},
	{"comments", "a## c\n#* b *#", "a## c\n#* b *#", ""},
	{"unparsed", "#[[$x]]#", "#[[$x]]#", ""},
	{"escapes", `\$a \\$a \#if \\#if(true)#end`, `\$a \\$a \#if \\#if(true)#{end}`, ""},
	{"unknownDirective", "#foo(bar) #", "#foo(bar) #", ""},

	{"unclosedIf", "x\n  #if(true) a", "", "unclosed.vtl:2:3: unclosed #if: missing #end"},
	{"strayEnd", "a\n#end", "", "unclosed.vtl:2:1: unexpected #end"},
	{"elseAfterElse", "#if(true)#else#else#end", "", "#else after #else"},
	{"missingParen", "#if true", "", "missing ( after #if"},
	{"unclosedParen", "#if(true", "", "unclosed #if("},
	{"badExpr", "#set($a = )", "", "unexpected \")\" in expression"},
	{"setNoRef", "#set(1 = 2)", "", "#set needs a reference"},
	{"setMethod", "#set($a.b() = 2)", "", "cannot assign to method call"},
	{"unterminatedString", "#set($a = 'x)", "", "unterminated string literal"},
	{"unclosedFormal", "${a", "", "unclosed ${"},
	{"unclosedCall", "$a.b(1, 2", "", "unclosed method arguments"},
	{"unclosedComment", "#* x", "", "unterminated #* comment"},
	{"macro", "#macro(m)#end", "", "#macro is not supported"},
	{"include", "#include('x')", "", "#include is not supported"},
	{"foreachNoIn", "#foreach($x of $l)#end", "", "missing \"in\""},
	{"nullKeyword", "#if($a == null)#end", "", "unexpected \"null\""},
}

func TestParse(t *testing.T) {
	for _, tc := range parseTests {
		t.Run(tc.name, func(t *testing.T) {
			tmpl, err := Parse("unclosed.vtl", tc.input)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("Parse(%q) error = %v, want %q", tc.input, err, tc.err)
				}
				var pe *ParseError
				if !errors.As(err, &pe) || !strings.HasPrefix(err.Error(), "mapping: unclosed.vtl:") {
					t.Errorf("Parse(%q) error %q is not a *ParseError naming the template", tc.input, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.input, err)
			}
			if got := tmpl.String(); got != tc.result {
				t.Errorf("Parse(%q).String() = %q, want %q", tc.input, got, tc.result)
			}
			checkRoundTrip(t, tc.input)
		})
	}
}

// checkRoundTrip checks that String() of a parsed template parses to the
// same tree.
func checkRoundTrip(t *testing.T, src string) {
	t.Helper()
	a, err := Parse("a", src)
	if err != nil {
		return
	}
	s := a.String()
	b, err := Parse("a", s)
	if err != nil {
		t.Fatalf("Parse(String()) of %q: %v\nString() = %q", src, err, s)
	}
	if b.String() != s {
		t.Fatalf("String() not stable for %q:\n%q\n%q", src, s, b.String())
	}
	if !sameTree(a.root, b.root) {
		t.Fatalf("Parse(String()) of %q gives a different tree\nString() = %q", src, s)
	}
}

// sameTree compares two trees ignoring positions.
func sameTree(a, b node) bool {
	return reflect.DeepEqual(stripPos(a), stripPos(b))
}

// stripPos returns a position-free description of a tree.
func stripPos(n node) any {
	if n == nil || (reflect.ValueOf(n).Kind() == reflect.Pointer && reflect.ValueOf(n).IsNil()) {
		return nil
	}
	switch n := n.(type) {
	case *listNode:
		var out []any
		for _, c := range n.Nodes {
			out = append(out, stripPos(c))
		}
		return out
	case *textNode:
		return [2]string{"text", n.Text}
	case *commentNode:
		return [2]string{"comment", n.Text}
	case *refNode:
		out := []any{"ref", n.Escape, n.Quiet, n.Formal, n.Name}
		for _, a := range n.Chain {
			var args []any
			for _, x := range a.Args {
				args = append(args, stripPos(x))
			}
			out = append(out, a.Name, a.Call, args, stripPos(a.Index))
		}
		return out
	case *setNode:
		return []any{"set", n.Lead, stripPos(n.Target), stripPos(n.Value), n.Trail}
	case *ifNode:
		out := []any{"if", n.ElseTrail, n.EndTrail, stripPos(n.Else)}
		for _, br := range n.Branches {
			out = append(out, stripPos(br.Cond), br.Trail, stripPos(br.Body))
		}
		return out
	case *foreachNode:
		return []any{"foreach", n.Var, stripPos(n.Iter), n.Trail, stripPos(n.Body), n.EndTrail}
	case *defineNode:
		return []any{"define", n.Name, n.Trail, stripPos(n.Body), n.EndTrail}
	case breakNode:
		return "break"
	case stopNode:
		return "stop"
	case *stringNode:
		return []any{"string", n.Quote, n.Text, stripPos(n.Parts)}
	case *numberNode:
		return []any{"number", n.Text}
	case *boolNode:
		return []any{"bool", n.Val}
	case *listLitNode:
		out := []any{"list"}
		for _, x := range n.Items {
			out = append(out, stripPos(x))
		}
		return out
	case *rangeNode:
		return []any{"range", stripPos(n.From), stripPos(n.To)}
	case *mapLitNode:
		out := []any{"map"}
		for i := range n.Keys {
			out = append(out, stripPos(n.Keys[i]), stripPos(n.Vals[i]))
		}
		return out
	case *binaryNode:
		return []any{"binary", n.Op, stripPos(n.L), stripPos(n.R)}
	case *notNode:
		return []any{"not", stripPos(n.X)}
	case *parenNode:
		return []any{"paren", stripPos(n.X)}
	}
	return []any{"unknown", n.String()}
}

func TestErrorPosition(t *testing.T) {
	_, err := Parse("calc", "line1\nline2 #set($a = )")
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Name != "calc" || pe.Line != 2 || pe.Col != 17 {
		t.Fatalf("error = %#v, want calc:2:17", err)
	}
	var ee *ExecError
	_, err = Must(Parse("calc", "#set($s = 'x')\n  $s.substring(9)")).Execute(&Input{})
	if !errors.As(err, &ee) || ee.Line != 2 || ee.Col != 5 || !strings.HasPrefix(err.Error(), "mapping: calc:2:5: ") {
		t.Fatalf("error = %v, want mapping: calc:2:5: ...", err)
	}
	if errors.Unwrap(ee) == nil {
		t.Error("ExecError does not unwrap")
	}
}
