package vtl

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// A parser is a recursive-descent parser that scans the source directly:
// in text mode it looks for $, # and \; inside directives, method
// arguments and literals it reads expression tokens.
type parser struct {
	name  string
	src   string // the whole template, for positions
	s     string // the text being parsed (src, or an interpolated string)
	base  int    // offset of s in src
	pos   int    // current offset in s
	depth int
	lim   *Limits
	syms  *symtab
}

// A symtab numbers the variable names of a template, so that execution
// keeps variables in a slice rather than a map.
type symtab struct {
	idx   map[string]int
	names []string
}

const (
	slotForeach = iota
	slotVelocityCount
)

func newSymtab() *symtab {
	t := &symtab{idx: map[string]int{}}
	t.slot("foreach")
	t.slot("velocityCount")
	return t
}

func (t *symtab) slot(name string) int {
	if i, ok := t.idx[name]; ok {
		return i
	}
	t.idx[name] = len(t.names)
	t.names = append(t.names, name)
	return len(t.names) - 1
}

// Parse parses text as a mapping template called name, with API
// Gateway's limits. The name appears in error messages, which read
// "mapping: NAME:LINE:COL: message".
func Parse(name, text string) (*Template, error) {
	return Limits{}.Parse(name, text)
}

// Parse parses text as a mapping template called name, with the limits
// l; the template keeps them for all its executions.
func (l Limits) Parse(name, text string) (*Template, error) {
	lim := l.resolve()
	if len(text) > lim.TemplateSize {
		return nil, fmt.Errorf("mapping: %s: template is %d bytes, larger than the %d-byte limit: %w", name, len(text), lim.TemplateSize,
			limitErr("TemplateSize", lim.TemplateSize, "template is %d bytes", len(text)))
	}
	p := &parser{name: name, src: text, s: text, lim: &lim, syms: newSymtab()}
	root, term, err := p.parseList(true)
	if err != nil {
		return nil, err
	}
	if term.kind != termEOF {
		return nil, p.errAt(term.pos, "unexpected #%s", term.kind)
	}
	return newTemplate(name, text, root, p.syms.names, lim), nil
}

func (p *parser) errAt(off int, format string, args ...any) error {
	line, col := lineCol(p.src, p.base+off)
	return &ParseError{Name: p.name, Line: line, Col: col, Msg: fmt.Sprintf(format, args...)}
}

type termKind string

const (
	termEOF    termKind = "EOF"
	termEnd    termKind = "end"
	termElse   termKind = "else"
	termElseif termKind = "elseif"
)

// A term is the directive that ended a list: #end, #else, #elseif or EOF.
type term struct {
	kind  termKind
	pos   int
	trail string // gobbled whitespace after #end / #else
	cond  expr   // #elseif condition
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool  { return '0' <= c && c <= '9' }
func isIdentStart(c byte) bool {
	return isLetter(c) || c == '_'
}
func isIdentChar(c byte) bool { return isLetter(c) || isDigit(c) || c == '_' || c == '-' }

// gobble consumes blanks followed by one newline at the current position
// and returns them; if no newline follows the blanks, it consumes nothing.
func (p *parser) gobble() string {
	i := p.pos
	for i < len(p.s) && (p.s[i] == ' ' || p.s[i] == '\t') {
		i++
	}
	switch {
	case strings.HasPrefix(p.s[i:], "\r\n"):
		i += 2
	case i < len(p.s) && (p.s[i] == '\n' || p.s[i] == '\r'):
		i++
	default:
		return ""
	}
	t := p.s[p.pos:i]
	p.pos = i
	return t
}

// parseList parses text mode until EOF, #end, #else or #elseif.
// top reports whether the text starts a template (for #set's blank
// eating, a new token starts there).
//
//	list := ( text | comment | reference | directive )*
func (p *parser) parseList(top bool) (*listNode, term, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > p.lim.ParseDepth {
		return nil, term{}, p.errAt(p.pos, "nesting deeper than %d", p.lim.ParseDepth)
	}
	b := &listBuilder{p: p, list: &listNode{srcPos: srcPos(p.base + p.pos)}, textStart: p.pos, textFresh: true}
	for p.pos < len(p.s) {
		var t *term
		var err error
		switch p.s[p.pos] {
		case '$':
			err = b.dollar()
		case '\\':
			err = b.backslashes()
		case '#':
			t, err = b.hash()
		default:
			b.plain()
		}
		if err != nil {
			return nil, term{}, err
		}
		if t != nil {
			return b.list, *t, nil
		}
	}
	b.flush()
	return b.list, term{kind: termEOF, pos: p.pos}, nil
}

// A listBuilder collects the nodes of a list as parseList reads them,
// merging adjacent text into one textNode.
type listBuilder struct {
	p    *parser
	list *listNode
	// text and src are the pending text: what it renders and how it is
	// spelled (they differ for #[[raw]]# blocks, escapes and quirks).
	text, src strings.Builder
	textStart int
	// textFresh reports whether the pending text started a new token
	// (at the start of the list or after a non-text node), which is when
	// #set swallows the blanks before it.
	textFresh bool
	// rs is what the text right after the last reference may trigger.
	rs refState
}

// flush ends the pending text.
func (b *listBuilder) flush() {
	if b.src.Len() > 0 {
		b.rs = refState{}
		b.list.Nodes = append(b.list.Nodes, &textNode{srcPos: srcPos(b.p.base + b.textStart), Text: b.text.String(), Src: b.src.String()})
		b.text.Reset()
		b.src.Reset()
	}
}

// add ends the pending text and appends n.
func (b *listBuilder) add(n node) {
	b.flush()
	b.rs = refState{}
	b.list.Nodes = append(b.list.Nodes, n)
	b.textStart = b.p.pos
	b.textFresh = true
}

// lit adds text that renders as out and is spelled in.
func (b *listBuilder) lit(out, in string) {
	if b.src.Len() == 0 {
		b.textStart = b.p.pos - len(in)
	}
	b.text.WriteString(out)
	b.src.WriteString(in)
	b.textFresh = false
}

// plain adds the text up to the next $, # or backslash.
func (b *listBuilder) plain() {
	p := b.p
	i := strings.IndexAny(p.s[p.pos:], "$#\\")
	if i < 0 {
		i = len(p.s) - p.pos
	}
	if b.src.Len() == 0 {
		b.textStart = p.pos
	}
	seg := p.s[p.pos : p.pos+i]
	if strings.Trim(seg, " \t") != "" {
		b.textFresh = false
	}
	b.text.WriteString(seg)
	b.src.WriteString(seg)
	p.pos += i
}

// reference adds a reference just parsed, then what its quirks read.
func (b *listBuilder) reference(ref *refNode) error {
	b.add(ref)
	b.rs = refStateOf(ref)
	_, err := b.p.afterRef(b.rs, b.lit)
	return err
}

// dollar reads what starts at "$": a reference, or text.
func (b *listBuilder) dollar() error {
	p := b.p
	start := p.pos
	ref, err := p.parseRef(0)
	if err != nil {
		return err
	}
	if ref != nil {
		return b.reference(ref)
	}
	// Velocity 1.7 lexes "$!" before anything but a name or "{" as "$"
	// (or "$!" before another "$").
	if strings.HasPrefix(p.s[start:], "$!") && !strings.HasPrefix(p.s[start:], "$!{") {
		p.pos = start + 2
		switch {
		case p.pos >= len(p.s):
			return p.errAt(start, "lexical error: $! at the end of the text")
		case p.s[p.pos] == '$':
			b.lit("$!", "$!")
		default:
			b.lit("$", "$!")
		}
		return nil
	}
	p.pos = start + 1
	b.lit("$", "$")
	return nil
}

// backslashes reads a run of backslashes: before a reference they escape
// it, before a directive they escape it when odd, else they are text.
func (b *listBuilder) backslashes() error {
	p := b.p
	start := p.pos
	k := 0
	for p.pos < len(p.s) && p.s[p.pos] == '\\' {
		k++
		p.pos++
	}
	if p.pos < len(p.s) && p.s[p.pos] == '$' {
		at := p.pos
		ref, err := p.parseRef(k)
		if err != nil {
			return err
		}
		if ref != nil {
			ref.srcPos = srcPos(p.base + start)
			return b.reference(ref)
		}
		p.pos = at
	}
	if p.pos < len(p.s) && p.s[p.pos] == '#' {
		if name, n := p.directiveName(p.pos); name != "" && isDirective(name) {
			half := strings.Repeat(`\`, k/2)
			if k%2 == 1 {
				// Escaped directive: renders as text.
				d := p.s[p.pos : p.pos+n]
				p.pos += n
				b.lit(half+d, p.s[start:p.pos])
				return nil
			}
			b.lit(half, p.s[start:p.pos])
			return nil
		}
	}
	b.lit(p.s[start:p.pos], p.s[start:p.pos])
	return nil
}

// hash reads what starts at "#": a comment, an unparsed block, a
// directive, or text. It returns the term that ends the list, if any.
func (b *listBuilder) hash() (*term, error) {
	p := b.p
	rest := p.s[p.pos:]
	switch {
	case strings.HasPrefix(rest, "##"):
		end := strings.IndexAny(rest, "\r\n")
		if end < 0 {
			end = len(rest)
		} else if strings.HasPrefix(rest[end:], "\r\n") {
			end += 2
		} else {
			end++
		}
		p.pos += end
		b.add(&commentNode{srcPos: srcPos(p.base + p.pos - end), Text: rest[:end]})
		return nil, nil
	case strings.HasPrefix(rest, "#*"):
		end := strings.Index(rest[2:], "*#")
		if end < 0 {
			return nil, p.errAt(p.pos, "unterminated #* comment")
		}
		end += 4
		p.pos += end
		saved := b.rs
		if b.src.Len() > 0 {
			saved = refState{}
		}
		b.add(&commentNode{srcPos: srcPos(p.base + p.pos - end), Text: rest[:end]})
		b.rs = saved
		_, err := p.afterRef(b.rs, b.lit)
		return nil, err
	case strings.HasPrefix(rest, "#[["):
		end := strings.Index(rest[3:], "]]#")
		if end < 0 {
			return nil, p.errAt(p.pos, "unterminated #[[ block")
		}
		p.pos += end + 6
		b.lit(rest[3:3+end], rest[:end+6])
		return nil, nil
	}
	name, n := p.directiveName(p.pos)
	if name == "" || !isDirective(name) {
		p.pos++
		b.lit("#", "#")
		return nil, nil
	}
	return b.directive(name, n)
}

// directive reads the directive called name, whose token is n bytes
// long, at p.pos.
func (b *listBuilder) directive(name string, n int) (*term, error) {
	p := b.p
	start := p.pos
	p.pos += n
	var node node
	var err error
	switch name {
	case "end", "else":
		b.flush()
		return &term{kind: termKind(name), pos: start, trail: p.gobble()}, nil
	case "elseif":
		cond, err := p.parseParenExpr("elseif", start)
		if err != nil {
			return nil, err
		}
		b.flush()
		return &term{kind: termElseif, pos: start, cond: cond}, nil
	case "set":
		return nil, b.set(start)
	case "if":
		node, err = p.parseIf(start)
	case "foreach":
		node, err = p.parseForeach(start)
	case "define":
		node, err = p.parseDefine(start)
	case "break":
		node = breakNode{srcPos(p.base + start)}
	case "stop":
		node = stopNode{srcPos(p.base + start)}
	default: // macro, include, parse, evaluate
		return nil, p.errAt(start, "#%s is not supported", name)
	}
	if err != nil {
		return nil, err
	}
	b.add(node)
	return nil, nil
}

// set reads a #set directive that starts at start, taking the blanks
// before it when they start a token.
func (b *listBuilder) set(start int) error {
	p := b.p
	var lead string
	if b.textFresh && b.src.Len() > 0 && strings.Trim(b.src.String(), " \t") == "" && b.text.String() == b.src.String() {
		lead = b.src.String()
		b.text.Reset()
		b.src.Reset()
	}
	node, err := p.parseSet(start)
	if err != nil {
		return err
	}
	node.Lead = lead
	if lead != "" {
		node.srcPos = srcPos(p.base + start - len(lead))
	}
	saved := b.rs
	if b.src.Len() > 0 {
		saved = refState{}
	}
	b.add(node)
	if saved.active {
		saved.call = true
		b.rs = saved
		_, err := p.afterRef(b.rs, b.lit)
		return err
	}
	return nil
}

// refState is what the text right after a reference may trigger in
// Velocity 1.7's lexer (see afterRef).
type refState struct {
	active bool // just after a reference other than ${...}
	prop   bool // whose last step is .name
	call   bool // whose last step is .name(...), or after a #set
}

func refStateOf(r *refNode) refState {
	if r.Formal {
		return refState{}
	}
	rs := refState{active: true}
	if n := len(r.Chain); n > 0 {
		last := r.Chain[n-1]
		rs.prop = last.Index == nil && !last.Call
		rs.call = last.Call
	}
	return rs
}

// afterRef reproduces three quirks of Velocity 1.7's lexer right after a
// reference, which the differential oracle shows. The state survives
// #set directives (which then count as a method call) and #* *# comments.
//   - after a property step ($a.b), "##" is text, not a comment;
//   - after a method call ($a.m()), text of the form name.name... renders
//     only its first name: "$s.trim()abc.def" renders "xabc";
//   - "{" followed by a name or a reference and "}" renders as "{" alone
//     ("$a{$b}" renders $a and "{"), and without the "}" it is a syntax
//     error.
//
// It reports whether it consumed text.
func (p *parser) afterRef(rs refState, lit func(out, in string)) (bool, error) {
	if !rs.active {
		return false, nil
	}
	rest := p.s[p.pos:]
	if len(rest) > 1 && rest[0] == '{' && (rest[1] == '$' || isIdentStart(rest[1])) {
		start := p.pos
		p.pos++
		if rest[1] == '$' {
			r, err := p.parseRef(0)
			if err != nil {
				return false, err
			}
			if r == nil {
				p.pos = start
				return false, nil
			}
		} else {
			for p.pos < len(p.s) && (isIdentChar(p.s[p.pos]) || (p.s[p.pos] == '.' && p.pos+1 < len(p.s) && isIdentStart(p.s[p.pos+1]))) {
				p.pos++
			}
		}
		if p.pos >= len(p.s) || p.s[p.pos] != '}' {
			return false, p.errAt(p.pos, "unexpected %q after {name (Velocity 1.7 reads {name} right after a reference; add a space or use ${...})", p.peekWord())
		}
		p.pos++
		lit("{", p.s[start:p.pos])
		return true, nil
	}
	switch {
	case rs.prop && strings.HasPrefix(rest, "##"):
		p.pos += 2
		lit("##", "##")
		return true, nil
	case rs.call && len(rest) > 0 && isIdentStart(rest[0]):
		j := 1
		for j < len(rest) && isIdentChar(rest[j]) {
			j++
		}
		name := rest[:j]
		k := j
		for k+1 < len(rest) && rest[k] == '.' && isIdentStart(rest[k+1]) {
			k += 2
			for k < len(rest) && isIdentChar(rest[k]) {
				k++
			}
		}
		if k > j {
			p.pos += k
			lit(name, rest[:k])
			return true, nil
		}
	}
	return false, nil
}

// directiveName returns the directive name at s[i] == '#' (plain "#name"
// or formal "#{name}") and the length of the whole token, or "".
func (p *parser) directiveName(i int) (string, int) {
	s := p.s[i+1:]
	if strings.HasPrefix(s, "{") {
		j := 1
		for j < len(s) && isIdentChar(s[j]) {
			j++
		}
		if j > 1 && j < len(s) && s[j] == '}' && isLetter(s[1]) {
			return s[1:j], j + 2
		}
		return "", 0
	}
	if len(s) == 0 || !(isLetter(s[0]) || s[0] == '_') {
		return "", 0
	}
	j := 1
	for j < len(s) && isIdentChar(s[j]) {
		j++
	}
	return s[:j], j + 1
}

func isDirective(name string) bool {
	switch name {
	case "set", "if", "elseif", "else", "end", "foreach", "break", "stop", "define",
		"macro", "include", "parse", "evaluate":
		return true
	}
	return false
}

// openParen skips blanks and consumes "(".
func (p *parser) openParen(name string, start int) error {
	for p.pos < len(p.s) && (p.s[p.pos] == ' ' || p.s[p.pos] == '\t') {
		p.pos++
	}
	if p.pos >= len(p.s) || p.s[p.pos] != '(' {
		return p.errAt(start, "missing ( after #%s", name)
	}
	p.pos++
	return nil
}

// closeParen skips space and consumes ")" and the gobbled whitespace after it.
func (p *parser) closeParen(name string, start int) (string, error) {
	p.skipSpace()
	if p.pos >= len(p.s) || p.s[p.pos] != ')' {
		if p.pos >= len(p.s) {
			return "", p.errAt(start, "unclosed #%s(", name)
		}
		return "", p.errAt(p.pos, "unexpected %q in #%s, want )", p.peekWord(), name)
	}
	p.pos++
	return p.gobble(), nil
}

// parseParenExpr parses "(expr)" and the gobbled whitespace; used by #elseif.
func (p *parser) parseParenExpr(name string, start int) (expr, error) {
	if err := p.openParen(name, start); err != nil {
		return nil, err
	}
	x, err := p.parseExpr()
	if err != nil {
		return nil, err
	}
	// The trail after #elseif(...) is handled by the caller through
	// parseIf, which re-reads it; keep it in the position.
	return x, nil
}

// parseSet parses the rest of #set($ref = expr).
//
//	set := "#set" blanks "(" reference "=" expr ")"
func (p *parser) parseSet(start int) (*setNode, error) {
	if err := p.openParen("set", start); err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.pos >= len(p.s) || p.s[p.pos] != '$' {
		return nil, p.errAt(p.pos, "#set needs a reference to assign to, found %q", p.peekWord())
	}
	ref, err := p.parseRef(0)
	if err != nil {
		return nil, err
	}
	if ref == nil {
		return nil, p.errAt(p.pos, "#set needs a reference to assign to")
	}
	if len(ref.Chain) > 0 && ref.Chain[len(ref.Chain)-1].Call {
		return nil, p.errAt(int(ref.srcPos)-p.base, "cannot assign to method call %s", ref)
	}
	p.skipSpace()
	if p.pos >= len(p.s) || p.s[p.pos] != '=' {
		return nil, p.errAt(p.pos, "missing = in #set")
	}
	p.pos++
	x, err := p.parseExpr()
	if err != nil {
		return nil, err
	}
	trail, err := p.closeParen("set", start)
	if err != nil {
		return nil, err
	}
	return &setNode{srcPos: srcPos(p.base + start), Target: ref, Value: x, Trail: trail}, nil
}

// parseIf parses the rest of an #if directive.
//
//	if := "#if(" expr ")" list ( "#elseif(" expr ")" list )* [ "#else" list ] "#end"
func (p *parser) parseIf(start int) (*ifNode, error) {
	if err := p.openParen("if", start); err != nil {
		return nil, err
	}
	cond, err := p.parseExpr()
	if err != nil {
		return nil, err
	}
	trail, err := p.closeParen("if", start)
	if err != nil {
		return nil, err
	}
	n := &ifNode{srcPos: srcPos(p.base + start)}
	for {
		body, t, err := p.parseList(false)
		if err != nil {
			return nil, err
		}
		n.Branches = append(n.Branches, ifBranch{Cond: cond, Trail: trail, Body: body})
		switch t.kind {
		case termEOF:
			return nil, p.errAt(start, "unclosed #if: missing #end")
		case termEnd:
			n.EndTrail = t.trail
			return n, nil
		case termElseif:
			cond = t.cond
			trail, err = p.closeParen("elseif", t.pos)
			if err != nil {
				return nil, err
			}
			continue
		case termElse:
			n.ElseTrail = t.trail
			body, t2, err := p.parseList(false)
			if err != nil {
				return nil, err
			}
			n.Else = body
			switch t2.kind {
			case termEnd:
				n.EndTrail = t2.trail
				return n, nil
			case termEOF:
				return nil, p.errAt(start, "unclosed #if: missing #end")
			default:
				return nil, p.errAt(t2.pos, "#%s after #else", t2.kind)
			}
		}
	}
}

// parseBlockBody parses a body that must end with #end.
func (p *parser) parseBlockBody(name string, start int) (*listNode, string, error) {
	body, t, err := p.parseList(false)
	if err != nil {
		return nil, "", err
	}
	switch t.kind {
	case termEnd:
		return body, t.trail, nil
	case termEOF:
		return nil, "", p.errAt(start, "unclosed #%s: missing #end", name)
	default:
		return nil, "", p.errAt(t.pos, "#%s inside #%s without #if", t.kind, name)
	}
}

// parseForeach parses the rest of a #foreach directive.
//
//	foreach := "#foreach(" reference "in" expr ")" list "#end"
func (p *parser) parseForeach(start int) (*foreachNode, error) {
	ref, err := p.openVariable("foreach", start)
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if !strings.HasPrefix(p.s[p.pos:], "in") || (p.pos+2 < len(p.s) && isIdentChar(p.s[p.pos+2])) {
		return nil, p.errAt(p.pos, "missing \"in\" in #foreach")
	}
	p.pos += 2
	x, err := p.parseExpr()
	if err != nil {
		return nil, err
	}
	trail, err := p.closeParen("foreach", start)
	if err != nil {
		return nil, err
	}
	body, endTrail, err := p.parseBlockBody("foreach", start)
	if err != nil {
		return nil, err
	}
	return &foreachNode{srcPos: srcPos(p.base + start), Var: ref.Name, slot: ref.slot, Iter: x, Trail: trail, Body: body, EndTrail: endTrail}, nil
}

// openVariable reads the "($name" that starts #foreach and #define.
func (p *parser) openVariable(directive string, start int) (*refNode, error) {
	if err := p.openParen(directive, start); err != nil {
		return nil, err
	}
	p.skipSpace()
	ref, err := p.parseRef(0)
	if err != nil {
		return nil, err
	}
	if ref == nil || len(ref.Chain) > 0 {
		return nil, p.errAt(p.pos, "#%s needs a simple $variable", directive)
	}
	return ref, nil
}

// parseDefine parses the rest of a #define directive.
//
//	define := "#define(" reference ")" list "#end"
func (p *parser) parseDefine(start int) (*defineNode, error) {
	ref, err := p.openVariable("define", start)
	if err != nil {
		return nil, err
	}
	trail, err := p.closeParen("define", start)
	if err != nil {
		return nil, err
	}
	body, endTrail, err := p.parseBlockBody("define", start)
	if err != nil {
		return nil, err
	}
	return &defineNode{srcPos: srcPos(p.base + start), Name: ref.Name, slot: ref.slot, Trail: trail, Body: body, EndTrail: endTrail}, nil
}

// parseRef parses a reference at p.s[p.pos] == '$'. It returns nil (and
// leaves p.pos unspecified) when the text is not a reference, such as a
// lone "$".
//
//	ref   := "$" ["!"] ( "{" ident steps "}" | ident steps )
//	steps := ( "." ident [ "(" [ expr ("," expr)* ] ")" ] | "[" expr "]" )*
func (p *parser) parseRef(escape int) (*refNode, error) {
	start := p.pos
	i := p.pos + 1
	r := &refNode{srcPos: srcPos(p.base + start), Escape: escape}
	if i < len(p.s) && p.s[i] == '!' {
		r.Quiet = true
		i++
	}
	if i < len(p.s) && p.s[i] == '{' {
		r.Formal = true
		i++
	}
	if i >= len(p.s) || !isIdentStart(p.s[i]) {
		return nil, nil
	}
	j := i + 1
	for j < len(p.s) && isIdentChar(p.s[j]) {
		j++
	}
	r.Name = p.s[i:j]
	r.slot = p.syms.slot(r.Name)
	p.pos = j
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > p.lim.ParseDepth {
		return nil, p.errAt(start, "nesting deeper than %d", p.lim.ParseDepth)
	}
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		if c == '.' && p.pos+1 < len(p.s) && isIdentStart(p.s[p.pos+1]) {
			at := p.pos
			j := p.pos + 2
			for j < len(p.s) && isIdentChar(p.s[j]) {
				j++
			}
			a := accessor{Name: p.s[p.pos+1 : j], Offset: srcPos(p.base + at)}
			p.pos = j
			if p.pos < len(p.s) && p.s[p.pos] == '(' {
				p.pos++
				a.Call = true
				args, err := p.parseExprList(')', "method arguments", at)
				if err != nil {
					return nil, err
				}
				a.Args = args
			}
			r.Chain = append(r.Chain, a)
			continue
		}
		if c == '[' {
			at := p.pos
			p.pos++
			x, err := p.parseExpr()
			if err != nil {
				return nil, err
			}
			p.skipSpace()
			if p.pos >= len(p.s) || p.s[p.pos] != ']' {
				return nil, p.errAt(at, "unclosed [ in reference $%s", r.Name)
			}
			p.pos++
			r.Chain = append(r.Chain, accessor{Index: x, Offset: srcPos(p.base + at)})
			continue
		}
		break
	}
	if r.Formal {
		if p.pos >= len(p.s) || p.s[p.pos] != '}' {
			return nil, p.errAt(start, "unclosed ${ in reference %q", p.s[start:p.pos])
		}
		p.pos++
	}
	return r, nil
}

// parseExprList parses expressions separated by commas up to close.
func (p *parser) parseExprList(close byte, what string, start int) ([]expr, error) {
	var xs []expr
	p.skipSpace()
	if p.pos < len(p.s) && p.s[p.pos] == close {
		p.pos++
		return nil, nil
	}
	for {
		x, err := p.parseExpr()
		if err != nil {
			return nil, err
		}
		xs = append(xs, x)
		p.skipSpace()
		if p.pos >= len(p.s) {
			return nil, p.errAt(start, "unclosed %s", what)
		}
		switch p.s[p.pos] {
		case ',':
			p.pos++
		case close:
			p.pos++
			return xs, nil
		default:
			return nil, p.errAt(p.pos, "unexpected %q in %s", p.peekWord(), what)
		}
	}
}

func (p *parser) skipSpace() {
	for p.pos < len(p.s) {
		switch p.s[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

// peekWord returns a short excerpt at the current position for errors.
func (p *parser) peekWord() string {
	s := p.s[p.pos:]
	if len(s) > 10 {
		s = s[:10]
	}
	if s == "" {
		return "EOF"
	}
	return s
}

// Operator precedence, lowest first:
//
//	expr  := and ( ("||" | "or") and )*
//	and   := eq ( ("&&" | "and") eq )*
//	eq    := rel ( ("==" | "!=" | "eq" | "ne") rel )*
//	rel   := add ( ("<" | ">" | "<=" | ">=" | "lt" | "gt" | "le" | "ge") add )*
//	add   := mul ( ("+" | "-") mul )*
//	mul   := unary ( ("*" | "/" | "%") unary )*
//	unary := ("!" | "not") unary | primary
func (p *parser) parseExpr() (expr, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > p.lim.ParseDepth {
		return nil, p.errAt(p.pos, "nesting deeper than %d", p.lim.ParseDepth)
	}
	return p.parseBinary(0)
}

var precLevels = [][]string{
	{"||"},
	{"&&"},
	{"==", "!="},
	{"<=", ">=", "<", ">"},
	{"+", "-"},
	{"*", "/", "%"},
}

var wordOps = map[string]string{
	"or": "||", "and": "&&", "eq": "==", "ne": "!=",
	"lt": "<", "gt": ">", "le": "<=", "ge": ">=",
}

// peekOp returns the binary operator at the current position among ops
// and its source length.
func (p *parser) peekOp(ops []string) (string, int) {
	p.skipSpace()
	s := p.s[p.pos:]
	for _, op := range ops {
		if strings.HasPrefix(s, op) {
			// "=" alone is assignment, "==" is an operator; "<" must not
			// match "<=" when looking for "<" before "<=" (ordered above).
			return op, len(op)
		}
	}
	if len(s) > 0 && isLetter(s[0]) {
		j := 0
		for j < len(s) && isLetter(s[j]) {
			j++
		}
		if op, ok := wordOps[s[:j]]; ok {
			for _, o := range ops {
				if o == op {
					return op, j
				}
			}
		}
	}
	return "", 0
}

func (p *parser) parseBinary(level int) (expr, error) {
	if level == len(precLevels) {
		return p.parseUnary()
	}
	l, err := p.parseBinary(level + 1)
	if err != nil {
		return nil, err
	}
	for {
		at := p.pos
		op, n := p.peekOp(precLevels[level])
		if op == "" {
			p.pos = at
			return l, nil
		}
		opPos := p.pos
		p.pos += n
		r, err := p.parseBinary(level + 1)
		if err != nil {
			return nil, err
		}
		l = &binaryNode{srcPos: srcPos(p.base + opPos), Op: op, L: l, R: r}
	}
}

func (p *parser) parseUnary() (expr, error) {
	p.skipSpace()
	s := p.s[p.pos:]
	if strings.HasPrefix(s, "!") && !strings.HasPrefix(s, "!=") {
		at := p.pos
		p.pos++
		return p.notOf(at)
	}
	if strings.HasPrefix(s, "not") && (len(s) == 3 || !isIdentChar(s[3])) {
		at := p.pos
		p.pos += 3
		return p.notOf(at)
	}
	return p.parsePrimary()
}

func (p *parser) notOf(at int) (expr, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > p.lim.ParseDepth {
		return nil, p.errAt(at, "nesting deeper than %d", p.lim.ParseDepth)
	}
	x, err := p.parseUnary()
	if err != nil {
		return nil, err
	}
	return &notNode{srcPos: srcPos(p.base + at), X: x}, nil
}

// primary := number | string | "true" | "false" | reference
//
//	| "(" expr ")" | "[" [ expr ( "," expr )* ] "]" | "[" expr ".." expr "]"
//	| "{" [ expr ":" expr ( "," expr ":" expr )* ] "}"
func (p *parser) parsePrimary() (expr, error) {
	p.skipSpace()
	if p.pos >= len(p.s) {
		return nil, p.errAt(p.pos, "unexpected end of template in expression")
	}
	start := p.pos
	c := p.s[p.pos]
	switch {
	case c == '$':
		r, err := p.parseRef(0)
		if err != nil {
			return nil, err
		}
		if r == nil {
			return nil, p.errAt(start, "bad reference %q", p.peekWord())
		}
		return r, nil
	case c == '"' || c == '\'':
		return p.parseString()
	case isDigit(c) || (c == '-' && p.pos+1 < len(p.s) && (isDigit(p.s[p.pos+1]) || p.s[p.pos+1] == '.')):
		return p.parseNumber()
	case c == '(':
		p.pos++
		x, err := p.parseExpr()
		if err != nil {
			return nil, err
		}
		p.skipSpace()
		if p.pos >= len(p.s) || p.s[p.pos] != ')' {
			return nil, p.errAt(start, "unclosed (")
		}
		p.pos++
		return &parenNode{srcPos: srcPos(p.base + start), X: x}, nil
	case c == '[':
		p.pos++
		p.skipSpace()
		if p.pos < len(p.s) && p.s[p.pos] == ']' {
			p.pos++
			return &listLitNode{srcPos: srcPos(p.base + start)}, nil
		}
		first, err := p.parseExpr()
		if err != nil {
			return nil, err
		}
		p.skipSpace()
		if strings.HasPrefix(p.s[p.pos:], "..") {
			p.pos += 2
			to, err := p.parseExpr()
			if err != nil {
				return nil, err
			}
			p.skipSpace()
			if p.pos >= len(p.s) || p.s[p.pos] != ']' {
				return nil, p.errAt(start, "unclosed range [")
			}
			p.pos++
			return &rangeNode{srcPos: srcPos(p.base + start), From: first, To: to}, nil
		}
		items := []expr{first}
		if p.pos < len(p.s) && p.s[p.pos] == ',' {
			p.pos++
			rest, err := p.parseExprList(']', "list", start)
			if err != nil {
				return nil, err
			}
			if rest == nil {
				return nil, p.errAt(p.pos-1, "missing list element after ,")
			}
			items = append(items, rest...)
		} else if p.pos < len(p.s) && p.s[p.pos] == ']' {
			p.pos++
		} else {
			return nil, p.errAt(start, "unclosed list [")
		}
		return &listLitNode{srcPos: srcPos(p.base + start), Items: items}, nil
	case c == '{':
		p.pos++
		m := &mapLitNode{srcPos: srcPos(p.base + start)}
		p.skipSpace()
		if p.pos < len(p.s) && p.s[p.pos] == '}' {
			p.pos++
			return m, nil
		}
		for {
			k, err := p.parseExpr()
			if err != nil {
				return nil, err
			}
			p.skipSpace()
			if p.pos >= len(p.s) || p.s[p.pos] != ':' {
				return nil, p.errAt(p.pos, "missing : in map literal")
			}
			p.pos++
			v, err := p.parseExpr()
			if err != nil {
				return nil, err
			}
			m.Keys = append(m.Keys, k)
			m.Vals = append(m.Vals, v)
			p.skipSpace()
			if p.pos >= len(p.s) {
				return nil, p.errAt(start, "unclosed map {")
			}
			if p.s[p.pos] == ',' {
				p.pos++
				continue
			}
			if p.s[p.pos] == '}' {
				p.pos++
				return m, nil
			}
			return nil, p.errAt(p.pos, "unexpected %q in map literal", p.peekWord())
		}
	case isLetter(c):
		j := p.pos
		for j < len(p.s) && isIdentChar(p.s[j]) {
			j++
		}
		switch p.s[p.pos:j] {
		case "true", "false":
			p.pos = j
			return &boolNode{srcPos: srcPos(p.base + start), Val: p.s[start:j] == "true"}, nil
		}
		return nil, p.errAt(start, "unexpected %q in expression", p.s[start:j])
	}
	return nil, p.errAt(start, "unexpected %q in expression", p.peekWord())
}

// parseNumber parses an integer or floating-point literal.
func (p *parser) parseNumber() (expr, error) {
	start := p.pos
	j := p.pos
	if p.s[j] == '-' {
		j++
	}
	for j < len(p.s) && isDigit(p.s[j]) {
		j++
	}
	isFloat := false
	if j+1 < len(p.s) && p.s[j] == '.' && isDigit(p.s[j+1]) {
		isFloat = true
		j++
		for j < len(p.s) && isDigit(p.s[j]) {
			j++
		}
	}
	if j < len(p.s) && (p.s[j] == 'e' || p.s[j] == 'E') {
		k := j + 1
		if k < len(p.s) && (p.s[k] == '+' || p.s[k] == '-') {
			k++
		}
		if k < len(p.s) && isDigit(p.s[k]) {
			isFloat = true
			j = k
			for j < len(p.s) && isDigit(p.s[j]) {
				j++
			}
		}
	}
	text := p.s[start:j]
	if text == "-" || text == "" {
		return nil, p.errAt(start, "bad number %q", p.peekWord())
	}
	p.pos = j
	n := &numberNode{srcPos: srcPos(p.base + start), Text: text, IsFloat: isFloat}
	if isFloat {
		f, err := strconv.ParseFloat(text, 64)
		if err != nil && !math.IsInf(f, 0) {
			return nil, p.errAt(start, "bad number %q", text)
		}
		n.Float = f
		return n, nil
	}
	v, err := strconv.ParseInt(text, 10, 64)
	if err != nil {
		// Too big for a long: Velocity would use a BigInteger; we use a
		// double so arithmetic stays defined.
		f, _ := strconv.ParseFloat(text, 64)
		n.IsFloat, n.Float = true, f
		return n, nil
	}
	n.Int = v
	return n, nil
}

// parseString parses a quoted string literal. A doubled quote stands for
// one quote character; backslashes are not escapes. Double-quoted strings
// containing $ or # are parsed as templates and interpolated when used.
func (p *parser) parseString() (expr, error) {
	start := p.pos
	q := p.s[p.pos]
	p.pos++
	var b strings.Builder
	contentStart := p.pos
	for {
		i := strings.IndexByte(p.s[p.pos:], q)
		if i < 0 {
			return nil, p.errAt(start, "unterminated string literal")
		}
		b.WriteString(p.s[p.pos : p.pos+i])
		p.pos += i + 1
		if p.pos < len(p.s) && p.s[p.pos] == q {
			b.WriteByte(q)
			p.pos++
			continue
		}
		break
	}
	n := &stringNode{srcPos: srcPos(p.base + start), Quote: q, Text: b.String()}
	if q == '"' && strings.ContainsAny(n.Text, "$#") {
		sub := &parser{name: p.name, src: p.src, s: n.Text, base: p.base + contentStart, depth: p.depth + 1, lim: p.lim, syms: p.syms}
		parts, t, err := sub.parseList(false)
		if err != nil {
			return nil, err
		}
		if t.kind != termEOF {
			return nil, sub.errAt(t.pos, "unexpected #%s in string literal", t.kind)
		}
		n.Parts = parts
	}
	return n, nil
}
