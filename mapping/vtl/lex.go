package vtl

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// An item is a token of a template, or a lexical error.
type item struct {
	typ  itemType
	pos  int    // byte offset of the item in the template
	val  string // the item as spelled in the source; the message for itemError
	line int    // 1-based line of the item's start
}

func (i item) String() string {
	switch {
	case i.typ == itemEOF:
		return "EOF"
	case i.typ == itemError:
		return "error: " + i.val
	case i.typ > itemKeyword:
		return "<" + i.val + ">"
	}
	return fmt.Sprintf("%s %q", i.typ, i.val)
}

// isText reports whether t is a text item, one that becomes part of a
// text node. (itemBraceRef is not: the reference that follows it is
// parsed before it becomes text, with itemBraceRefEnd.)
func (t itemType) isText() bool { return itemText <= t && t <= itemDottedName }

// rendered returns the text a text item renders and reports whether i is
// a text item.
func (i item) rendered() (string, bool) {
	switch i.typ {
	case itemText:
		return i.val, true
	case itemRaw:
		return i.val[len("#[[") : len(i.val)-len("]]#")], true
	case itemEscapedDirective:
		k := strings.IndexByte(i.val, '#')
		return i.val[k-k/2:], true
	case itemBackslashes:
		return i.val[:len(i.val)/2], true
	case itemBangDollar:
		return "$", true
	case itemBraceName:
		return "{", true
	case itemBraceRefEnd:
		return "", true
	case itemDottedName:
		name, _, _ := strings.Cut(i.val, ".")
		return name, true
	}
	return "", false
}

// itemType identifies the type of an item.
type itemType int

const (
	itemError itemType = iota // a lexical error; val is the message
	itemEOF

	// Text mode: the text items, which render text (see item.rendered),
	// from itemText to itemDottedName,
	itemText             // text, rendered as spelled
	itemRaw              // #[[ ... ]]#: renders what is inside
	itemEscapedDirective // an odd run of backslashes and the directive it escapes: half the backslashes and the directive are text
	itemBackslashes      // an even run of backslashes before a directive: renders half of them
	itemBangDollar       // "$!" before what starts no reference: renders "$" (Velocity 1.7)
	itemBraceName        // "{name.name}" right after a reference: renders "{" (Velocity 1.7)
	itemBraceRefEnd      // the "}" after itemBraceRef's reference: renders nothing
	itemDottedName       // "name.name" right after a method call: renders its first name (Velocity 1.7)
	// and the others.
	itemLineComment  // ## up to and including the end of the line
	itemBlockComment // #* ... *#
	itemEscape       // backslashes before a reference, which they escape
	itemLead         // blanks before #set that start a token: #set swallows them
	itemTrail        // blanks and one newline after the ")" of a directive, #else or #end: swallowed
	itemBraceRef     // "{" right after a reference, before a reference and "}": renders "{" with them

	// References, in text mode and in expressions.
	itemRef   // "$name", "$!name", "${name" or "$!{name": the start of a reference
	itemField // ".name", a property or method step of a reference

	// Expressions: the inside of a directive's parentheses, of method
	// arguments and of indexes.
	itemSpace        // spaces, tabs and newlines
	itemLeftParen    // (
	itemRightParen   // )
	itemLeftBracket  // [
	itemRightBracket // ]
	itemLeftBrace    // {
	itemRightBrace   // }, also the end of ${name}
	itemComma        // ,
	itemColon        // :
	itemRange        // ..
	itemAssign       // =
	itemOperator     // || && == != < > <= >= + - * / % and their words: or and eq ne lt gt le ge
	itemNot          // ! or not
	itemNumber       // unsigned: 12, 1.5, .5, 2e10
	itemString       // 'single' or "double" quoted, quotes included
	itemBool         // true or false
	itemIn           // in
	itemIdentifier   // any other word
	itemChar         // a character that starts no token

	itemKeyword // used only to delimit the directives
	itemSet     // #set or #{set}
	itemIf
	itemElseif
	itemElse
	itemEnd
	itemForeach
	itemBreak
	itemStop
	itemDefine
	itemMacro
	itemInclude
	itemParse
	itemEvaluate
)

var itemNames = [...]string{
	itemError: "error", itemEOF: "EOF",
	itemText: "text", itemLineComment: "line comment", itemBlockComment: "block comment",
	itemRaw: "raw", itemEscape: "escape", itemEscapedDirective: "escaped directive",
	itemBackslashes: "backslashes", itemBangDollar: "$!", itemLead: "lead", itemTrail: "trail",
	itemBraceName: "brace name", itemBraceRef: "brace ref", itemBraceRefEnd: "brace ref end",
	itemDottedName: "dotted name", itemRef: "ref", itemField: "field",
	itemSpace: "space", itemLeftParen: "(", itemRightParen: ")", itemLeftBracket: "[",
	itemRightBracket: "]", itemLeftBrace: "{", itemRightBrace: "}", itemComma: ",",
	itemColon: ":", itemRange: "..", itemAssign: "=", itemOperator: "operator", itemNot: "not",
	itemNumber: "number", itemString: "string", itemBool: "bool", itemIn: "in",
	itemIdentifier: "identifier", itemChar: "char", itemKeyword: "keyword",
}

func (t itemType) String() string {
	if t >= 0 && int(t) < len(itemNames) && itemNames[t] != "" {
		return itemNames[t]
	}
	return fmt.Sprintf("item%d", int(t))
}

// key maps directive names to their items. Every name here is a
// directive: "#macro" is a (refused) directive, "#foo" is text.
var key = map[string]itemType{
	"set": itemSet, "if": itemIf, "elseif": itemElseif, "else": itemElse, "end": itemEnd,
	"foreach": itemForeach, "break": itemBreak, "stop": itemStop, "define": itemDefine,
	"macro": itemMacro, "include": itemInclude, "parse": itemParse, "evaluate": itemEvaluate,
}

// wordOps are the operators spelled as words, with their symbols.
var wordOps = map[string]string{
	"or": "||", "and": "&&", "eq": "==", "ne": "!=",
	"lt": "<", "gt": ">", "le": "<=", "ge": ">=",
}

func isLetter(c byte) bool     { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool      { return '0' <= c && c <= '9' }
func isIdentStart(c byte) bool { return isLetter(c) || c == '_' }
func isIdentChar(c byte) bool  { return isLetter(c) || isDigit(c) || c == '_' || c == '-' }
func isBlank(c byte) bool      { return c == ' ' || c == '\t' }
func isSpace(c byte) bool      { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// span returns the end of the run of bytes of s from i that f accepts.
func span(s string, i int, f func(byte) bool) int {
	for i < len(s) && f(s[i]) {
		i++
	}
	return i
}

// stateFn is a state of the lexer: it lexes from l.pos, may emit one
// item, and returns the next state (nil at the end).
type stateFn func(*lexer) stateFn

// A lexer splits a template into items, one at a time, as the parser asks
// for them ([lexer.nextItem]): no goroutine runs ahead. It has two modes,
// as text/template's lexer has: text (lexText), where only $, # and \ can
// start something, and expressions (lexExpr), inside a directive's
// parentheses, method arguments and indexes. A stack of open brackets and
// references tells where each closing bracket returns to.
type lexer struct {
	input string // the text being lexed: the template, or the inside of a string literal
	base  int    // offset of input in the template
	start int    // start of the pending item in input
	pos   int    // current position in input
	line  int    // line of start
	item  item   // the item emitted last
	ready bool   // item waits for nextItem
	state stateFn
	// frames are the open brackets and references, innermost last.
	frames []frame
	stack  [8]frame
	// quirk is what text right after the last reference may trigger.
	quirk refState
	// textBefore reports whether the item emitted last renders text, so
	// that blanks after it do not start a token (no #set lead).
	textBefore bool
	// directive is the last directive keyword emitted.
	directive itemType
}

// A frame is an open bracket or reference.
type frame struct {
	kind   frameKind
	formal bool     // frameRef: ${...}
	last   stepKind // frameRef: the kind of its last step
}

type frameKind uint8

const (
	frameNone      frameKind = iota // no open frame: text
	frameDirective                  // "(" of a directive other than #set
	frameSet                        // "(" of #set
	frameParen                      // "(" of a parenthesized expression
	frameCall                       // "(" of method arguments
	frameIndex                      // "[" of an index
	frameList                       // "[" of a list or range
	frameMap                        // "{" of a map
	frameRef                        // a reference whose steps are being read
	frameBraceRef                   // "{$ref}" right after a reference
)

type stepKind uint8

const (
	stepNone stepKind = iota
	stepProp
	stepCall
	stepIndex
)

// refState is what the text right after a reference may trigger in
// Velocity 1.7's lexer (see lexAfterRef).
type refState struct {
	active bool // just after a reference other than ${...}
	prop   bool // whose last step is .name
	call   bool // whose last step is .name(...), or after a #set
}

// newLexer returns a lexer for input, which starts at offset base and on
// line line of the template.
func newLexer(input string, base, line int) *lexer {
	l := &lexer{input: input, base: base, line: line, state: lexText}
	l.frames = l.stack[:0]
	return l
}

// nextItem returns the next item, running states until one emits it.
// After the end or an error it returns EOF.
func (l *lexer) nextItem() item {
	for !l.ready {
		if l.state == nil {
			return item{itemEOF, l.base + len(l.input), "", l.line}
		}
		l.state = l.state(l)
	}
	l.ready = false
	return l.item
}

// emit makes input[start:pos] the item for nextItem.
func (l *lexer) emit(t itemType) {
	val := l.input[l.start:l.pos]
	l.item = item{t, l.base + l.start, val, l.line}
	l.ready = true
	l.line += strings.Count(val, "\n")
	l.start = l.pos
	text := t.isText()
	l.textBefore = text
	// The quirks after a reference survive #set, #* *# comments and the
	// blanks #set swallows, and nothing else.
	if text || t == itemLineComment || t > itemKeyword && t != itemSet {
		l.quirk = refState{}
	}
	if t > itemKeyword {
		l.directive = t
	}
}

// errorf emits an error at offset pos of input and stops the lexer.
func (l *lexer) errorf(pos int, format string, args ...any) stateFn {
	l.item = item{itemError, l.base + pos, fmt.Sprintf(format, args...), l.line + strings.Count(l.input[l.start:pos], "\n")}
	l.ready = true
	return nil
}

// peekWord returns a short excerpt of input at pos, for errors.
func peekWord(s string, pos int) string {
	s = s[min(pos, len(s)):]
	if len(s) > 10 {
		s = s[:10]
	}
	if s == "" {
		return "EOF"
	}
	return s
}

func (l *lexer) push(f frame) { l.frames = append(l.frames, f) }

func (l *lexer) pop() frame {
	f := l.frames[len(l.frames)-1]
	l.frames = l.frames[:len(l.frames)-1]
	return f
}

// top returns the kind of the innermost open frame, frameNone when
// there is none.
func (l *lexer) top() frameKind {
	if len(l.frames) == 0 {
		return frameNone
	}
	return l.frames[len(l.frames)-1].kind
}

// refHead returns the length of the reference start ($name, $!name,
// ${name, $!{name) at input[i] == '$', or 0 when none starts there.
func (l *lexer) refHead(i int) int {
	s := l.input
	j := i + 1
	if j < len(s) && s[j] == '!' {
		j++
	}
	if j < len(s) && s[j] == '{' {
		j++
	}
	if j >= len(s) || !isIdentStart(s[j]) {
		return 0
	}
	return span(s, j+1, isIdentChar) - i
}

// directiveAt returns the directive at input[i] == '#' ("#name" or
// "#{name}") and the length of its token, or 0 when no directive starts
// there.
func (l *lexer) directiveAt(i int) (itemType, int) {
	s := l.input[i+1:]
	formal := strings.HasPrefix(s, "{")
	if formal {
		s = s[1:]
	}
	if len(s) == 0 || !isLetter(s[0]) && (formal || s[0] != '_') {
		return 0, 0
	}
	j := span(s, 1, isIdentChar)
	t, ok := key[s[:j]]
	switch {
	case !ok:
		return 0, 0
	case !formal:
		return t, 1 + j
	case j < len(s) && s[j] == '}':
		return t, 3 + j
	}
	return 0, 0
}

// gobble advances over blanks and one newline after them, and reports
// whether there were any; without a newline it advances over nothing.
func (l *lexer) gobble() bool {
	s := l.input
	i := span(s, l.pos, isBlank)
	switch {
	case strings.HasPrefix(s[i:], "\r\n"):
		i += 2
	case i < len(s) && (s[i] == '\n' || s[i] == '\r'):
		i++
	default:
		return false
	}
	l.pos = i
	return true
}

// lexText scans text up to what starts something else: a reference, a
// directive, a comment or an escape. A $, # or \ that starts nothing
// stays in the text.
func lexText(l *lexer) stateFn {
	for {
		i := strings.IndexAny(l.input[l.pos:], "$#\\")
		if i < 0 {
			break
		}
		l.pos += i
		next, skip, set := l.textSpecial()
		if next == nil {
			l.pos += skip
			continue
		}
		if l.pos > l.start {
			// Blanks that start a token before #set are its lead.
			t := itemText
			if set && !l.textBefore && strings.Trim(l.input[l.start:l.pos], " \t") == "" {
				t = itemLead
			}
			l.emit(t)
		}
		return next
	}
	l.pos = len(l.input)
	if l.pos > l.start {
		l.emit(itemText)
		return lexText
	}
	l.emit(itemEOF)
	return nil
}

// textSpecial reports what starts at input[pos], one of $, # and \: the
// state that lexes it (and whether it is a #set), or nil and how many
// bytes of plain text to skip.
func (l *lexer) textSpecial() (next stateFn, skip int, set bool) {
	s, i := l.input, l.pos
	switch s[i] {
	case '$':
		switch {
		case l.refHead(i) > 0:
			return lexRef, 0, false
		case !strings.HasPrefix(s[i:], "$!") || strings.HasPrefix(s[i:], "$!{"):
			return nil, 1, false
		case i+2 < len(s) && s[i+2] == '$':
			return nil, 2, false // "$!$": "$!" is plain text
		}
		return lexBangDollar, 0, false
	case '\\':
		k := 1
		for i+k < len(s) && s[i+k] == '\\' {
			k++
		}
		if j := i + k; j < len(s) && s[j] == '$' && l.refHead(j) > 0 {
			return lexEscape, 0, false
		} else if j < len(s) && s[j] == '#' {
			if t, _ := l.directiveAt(j); t != 0 {
				return lexBackslashes, 0, false
			}
		}
		return nil, k, false
	}
	switch {
	case strings.HasPrefix(s[i:], "##"):
		return lexLineComment, 0, false
	case strings.HasPrefix(s[i:], "#*"):
		return lexBlockComment, 0, false
	case strings.HasPrefix(s[i:], "#[["):
		return lexRaw, 0, false
	}
	if t, _ := l.directiveAt(i); t != 0 {
		return lexDirective, 0, t == itemSet
	}
	return nil, 1, false
}

// lexBangDollar lexes "$!" before what starts no reference: Velocity 1.7
// renders it "$", and fails when it ends the text.
func lexBangDollar(l *lexer) stateFn {
	if l.pos+2 == len(l.input) {
		return l.errorf(l.pos, "lexical error: $! at the end of the text")
	}
	l.pos += 2
	l.emit(itemBangDollar)
	return lexText
}

// lexEscape lexes the backslashes before a reference.
func lexEscape(l *lexer) stateFn {
	for l.input[l.pos] == '\\' {
		l.pos++
	}
	l.emit(itemEscape)
	return lexRef
}

// lexBackslashes lexes backslashes before a directive: an odd number
// escapes it (the directive is text), an even number does not.
func lexBackslashes(l *lexer) stateFn {
	for l.input[l.pos] == '\\' {
		l.pos++
	}
	if (l.pos-l.start)%2 == 0 {
		l.emit(itemBackslashes)
		return lexText
	}
	_, n := l.directiveAt(l.pos)
	l.pos += n
	l.emit(itemEscapedDirective)
	return lexText
}

// lexLineComment lexes ## through the end of the line.
func lexLineComment(l *lexer) stateFn {
	rest := l.input[l.pos:]
	end := strings.IndexAny(rest, "\r\n")
	switch {
	case end < 0:
		end = len(rest)
	case strings.HasPrefix(rest[end:], "\r\n"):
		end += 2
	default:
		end++
	}
	l.pos += end
	l.emit(itemLineComment)
	return lexText
}

// lexBlockComment lexes #* ... *#. The quirks of a reference right
// before it apply right after it.
func lexBlockComment(l *lexer) stateFn {
	return l.delimited("#*", "*#", itemBlockComment, "#* comment", lexAfterRef)
}

// lexRaw lexes #[[ ... ]]#.
func lexRaw(l *lexer) stateFn {
	return l.delimited("#[[", "]]#", itemRaw, "#[[ block", lexText)
}

// delimited lexes from open, at l.pos, through the next close as an item
// of type t, then goes on with next; without close it is an error.
func (l *lexer) delimited(open, close string, t itemType, what string, next stateFn) stateFn {
	end := strings.Index(l.input[l.pos+len(open):], close)
	if end < 0 {
		return l.errorf(l.pos, "unterminated %s", what)
	}
	l.pos += len(open) + end + len(close)
	l.emit(t)
	return next
}

// lexDirective lexes a directive keyword and what follows it: the
// whitespace #else and #end swallow, or the "(" that opens the
// expression of #set, #if, #elseif, #foreach and #define.
func lexDirective(l *lexer) stateFn {
	t, n := l.directiveAt(l.pos)
	l.pos += n
	l.emit(t)
	switch t {
	case itemElse, itemEnd:
		return lexTrail
	case itemSet, itemIf, itemElseif, itemForeach, itemDefine:
		return lexOpenParen
	}
	return lexText
}

// lexOpenParen lexes the blanks and "(" after a directive keyword. When
// no "(" follows, the text goes on (and the parser reports the error).
func lexOpenParen(l *lexer) stateFn {
	i := span(l.input, l.pos, isBlank)
	switch {
	case i == len(l.input) || l.input[i] != '(':
		return lexText
	case i > l.pos:
		l.pos = i
		l.emit(itemSpace)
		return lexOpenParen
	}
	l.pos++
	kind := frameDirective
	if l.directive == itemSet {
		kind = frameSet
	}
	l.push(frame{kind: kind})
	l.emit(itemLeftParen)
	return lexExpr
}

// lexTrail lexes the blanks and newline after #else, #end or the ")" of
// a directive, which the directive swallows.
func lexTrail(l *lexer) stateFn {
	if l.gobble() {
		l.emit(itemTrail)
	}
	return lexText
}

// lexSetTrail is lexTrail after #set, after which the quirks of a
// reference right before it apply, as after a method call.
func lexSetTrail(l *lexer) stateFn {
	if l.gobble() {
		l.emit(itemTrail)
	}
	if !l.quirk.active {
		return lexText
	}
	l.quirk.call = true
	return lexAfterRef
}

// lexRef lexes the start of a reference at "$".
func lexRef(l *lexer) stateFn {
	n := l.refHead(l.pos)
	formal := strings.IndexByte(l.input[l.pos:l.pos+n], '{') >= 0
	l.pos += n
	l.push(frame{kind: frameRef, formal: formal})
	l.emit(itemRef)
	return lexRefSteps
}

// lexRefSteps lexes the steps of a reference: .name, .name( and [. The
// first other character ends the reference (after its "}" if it is
// ${...}).
func lexRefSteps(l *lexer) stateFn {
	s, i := l.input, l.pos
	f := &l.frames[len(l.frames)-1]
	switch {
	case i < len(s) && s[i] == '(' && l.item.typ == itemField:
		f.last = stepCall
		l.pos++
		l.push(frame{kind: frameCall})
		l.emit(itemLeftParen)
		return lexExpr
	case i+1 < len(s) && s[i] == '.' && isIdentStart(s[i+1]):
		f.last = stepProp
		l.pos = span(s, i+2, isIdentChar)
		l.emit(itemField)
		return lexRefSteps
	case i < len(s) && s[i] == '[':
		f.last = stepIndex
		l.pos++
		l.push(frame{kind: frameIndex})
		l.emit(itemLeftBracket)
		return lexExpr
	}
	ref := l.pop()
	next := lexExpr
	switch {
	case len(l.frames) == 0:
		// A reference in text: what follows it may trigger a quirk,
		// unless it is ${...}.
		l.quirk = refState{active: !ref.formal, prop: ref.last == stepProp, call: ref.last == stepCall}
		next = lexAfterRef
	case l.top() == frameBraceRef:
		next = lexBraceRefEnd
	}
	if ref.formal && i < len(s) && s[i] == '}' {
		l.pos++
		l.emit(itemRightBrace)
	}
	return next
}

// lexAfterRef reproduces three quirks of Velocity 1.7's lexer right after
// a reference in text, which the differential oracle shows. They survive
// #set directives (which then count as a method call) and #* *# comments.
//   - "{" followed by a name or a reference, and "}", renders as "{" alone
//     ("$a{$b}" renders $a and "{"); without the "}" it is an error;
//   - after a property step ($a.b), "##" is text, not a comment;
//   - after a method call ($a.m()), text of the form name.name... renders
//     only its first name: "$s.trim()abc.def" renders "xabc".
func lexAfterRef(l *lexer) stateFn {
	if !l.quirk.active {
		return lexText
	}
	s, i := l.input, l.pos
	switch {
	case i+1 < len(s) && s[i] == '{' && s[i+1] == '$' && l.refHead(i+1) > 0:
		l.pos++
		l.push(frame{kind: frameBraceRef})
		l.emit(itemBraceRef)
		return lexRef
	case i+1 < len(s) && s[i] == '{' && isIdentStart(s[i+1]):
		j := i + 1
		for j < len(s) && (isIdentChar(s[j]) || s[j] == '.' && j+1 < len(s) && isIdentStart(s[j+1])) {
			j++
		}
		if j < len(s) && s[j] == '}' {
			l.pos = j + 1
			l.emit(itemBraceName)
			return lexText
		}
		l.pos = j
		l.emit(itemText)
		return lexBraceEnd
	case l.quirk.prop && strings.HasPrefix(s[i:], "##"):
		l.pos += 2
		l.emit(itemText)
	case l.quirk.call && i < len(s) && isIdentStart(s[i]):
		j := span(s, i+1, isIdentChar)
		k := j
		for k+1 < len(s) && s[k] == '.' && isIdentStart(s[k+1]) {
			k = span(s, k+2, isIdentChar)
		}
		if k > j {
			l.pos = k
			l.emit(itemDottedName)
		}
	}
	return lexText
}

// lexBraceRefEnd lexes the "}" after the reference in "{$ref}" right
// after a reference.
func lexBraceRefEnd(l *lexer) stateFn {
	if l.pos < len(l.input) && l.input[l.pos] == '}' {
		l.pos++
		l.pop()
		l.emit(itemBraceRefEnd)
		return lexText
	}
	return lexBraceEnd(l)
}

// lexBraceEnd reports a "{name" or "{$ref" right after a reference that
// "}" does not close.
func lexBraceEnd(l *lexer) stateFn {
	return l.errorf(l.pos, "unexpected %q after {name (Velocity 1.7 reads {name} right after a reference; add a space or use ${...})", peekWord(l.input, l.pos))
}

// lexExpr lexes one token of an expression.
func lexExpr(l *lexer) stateFn {
	s, i := l.input, l.pos
	if i >= len(s) {
		l.emit(itemEOF)
		return nil
	}
	c := s[i]
	switch {
	case isSpace(c):
		l.pos = span(s, i, isSpace)
		l.emit(itemSpace)
	case c == '$' && l.refHead(i) > 0:
		return lexRef
	case c == '"' || c == '\'':
		return lexQuote
	case isDigit(c) || c == '.' && i+1 < len(s) && isDigit(s[i+1]):
		return lexNumber
	case isIdentStart(c):
		return lexWord
	case strings.HasPrefix(s[i:], ".."):
		l.pos += 2
		l.emit(itemRange)
	case strings.IndexByte("()[]{}", c) >= 0:
		return lexBracket
	default:
		return lexOperator
	}
	return lexExpr
}

// lexBracket lexes an opening or closing bracket. A closing bracket that
// matches the innermost open one closes it and returns to where it was
// opened; one that does not is left for the parser to report.
func lexBracket(l *lexer) stateFn {
	c := l.input[l.pos]
	l.pos++
	switch c {
	case '(':
		l.push(frame{kind: frameParen})
		l.emit(itemLeftParen)
	case '[':
		l.push(frame{kind: frameList})
		l.emit(itemLeftBracket)
	case '{':
		l.push(frame{kind: frameMap})
		l.emit(itemLeftBrace)
	case ')':
		l.emit(itemRightParen)
		switch l.top() {
		case frameSet:
			l.pop()
			return lexSetTrail
		case frameDirective:
			l.pop()
			return lexTrail
		case frameParen:
			l.pop()
		case frameCall:
			l.pop()
			return lexRefSteps
		}
	case ']':
		l.emit(itemRightBracket)
		switch l.top() {
		case frameList:
			l.pop()
		case frameIndex:
			l.pop()
			return lexRefSteps
		}
	case '}':
		l.emit(itemRightBrace)
		if l.top() == frameMap {
			l.pop()
		}
	}
	return lexExpr
}

// lexQuote lexes a string literal; a doubled quote stands for one quote.
func lexQuote(l *lexer) stateFn {
	s := l.input
	q := s[l.pos]
	i := l.pos + 1
	for {
		j := strings.IndexByte(s[i:], q)
		if j < 0 {
			return l.errorf(l.pos, "unterminated string literal")
		}
		i += j + 1
		if i < len(s) && s[i] == q {
			i++
			continue
		}
		break
	}
	l.pos = i
	l.emit(itemString)
	return lexExpr
}

// lexNumber lexes an unsigned number: digits, a fraction, an exponent.
// The parser joins a "-" right before it.
func lexNumber(l *lexer) stateFn {
	s := l.input
	j := span(s, l.pos, isDigit)
	if j+1 < len(s) && s[j] == '.' && isDigit(s[j+1]) {
		j = span(s, j+1, isDigit)
	}
	if j < len(s) && (s[j] == 'e' || s[j] == 'E') {
		k := j + 1
		if k < len(s) && (s[k] == '+' || s[k] == '-') {
			k++
		}
		if k < len(s) && isDigit(s[k]) {
			j = span(s, k, isDigit)
		}
	}
	l.pos = j
	l.emit(itemNumber)
	return lexExpr
}

// lexWord lexes a word. A word operator ends at its last letter, so
// "eq1" is "eq" and 1, as Velocity's lexer matches operators.
func lexWord(l *lexer) stateFn {
	s := l.input
	if k := span(s, l.pos, isLetter); wordOps[s[l.pos:k]] != "" {
		l.pos = k
		l.emit(itemOperator)
		return lexExpr
	}
	l.pos = span(s, l.pos+1, isIdentChar)
	switch l.input[l.start:l.pos] {
	case "true", "false":
		l.emit(itemBool)
	case "in":
		l.emit(itemIn)
	case "not":
		l.emit(itemNot)
	default:
		l.emit(itemIdentifier)
	}
	return lexExpr
}

// lexOperator lexes an operator, "=", ",", ":", or a character that
// starts no token.
func lexOperator(l *lexer) stateFn {
	s := l.input[l.pos:]
	for _, op := range [...]string{"||", "&&", "==", "!=", "<=", ">="} {
		if strings.HasPrefix(s, op) {
			l.pos += 2
			l.emit(itemOperator)
			return lexExpr
		}
	}
	t := itemChar
	switch s[0] {
	case '<', '>', '+', '-', '*', '/', '%':
		t = itemOperator
	case '!':
		t = itemNot
	case '=':
		t = itemAssign
	case ',':
		t = itemComma
	case ':':
		t = itemColon
	}
	_, n := utf8.DecodeRuneInString(s)
	if t != itemChar {
		n = 1
	}
	l.pos += n
	l.emit(t)
	return lexExpr
}
