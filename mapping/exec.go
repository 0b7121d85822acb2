package mapping

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"unsafe"
)

// Execution limits. They are variables so tests and benchmarks can change
// them.
var (
	// MaxForeachIterations is how many times one #foreach runs its body
	// (API Gateway's quota is 1,000). Further elements are skipped, as
	// Velocity's directive.foreach.maxloops does.
	MaxForeachIterations = 1000
	// MaxExecDepth caps the nesting of #define blocks rendering each other
	// and of values rendered inside values.
	MaxExecDepth = 100
	// MaxOutputSize caps the rendered output and any string a template
	// builds, in bytes (API Gateway's payload quota is 10 MB).
	MaxOutputSize = 10 << 20
	// MaxSteps caps the work of one execution: nodes and expressions
	// evaluated, list elements created, kilobytes of strings built. It
	// keeps nested loops and ranges in bounded time and memory.
	MaxSteps = 2_000_000
)

var errTooDeep = errors.New("nesting too deep")

// An ExecError is an error that stopped a template while it ran. It names
// the template and the line and column of the node that failed.
type ExecError struct {
	Name      string
	Line, Col int
	Err       error
}

func (e *ExecError) Error() string {
	return fmt.Sprintf("mapping: %s:%d:%d: %v", e.Name, e.Line, e.Col, e.Err)
}

// Unwrap returns the underlying error.
func (e *ExecError) Unwrap() error { return e.Err }

// A Template is a parsed mapping template. It is immutable once parsed and
// safe for concurrent use by multiple goroutines.
type Template struct {
	name  string
	src   string
	root  *ListNode
	names []string // variable names by slot
	// sizeHint is the size of the last output, to allocate Execute's
	// buffer once.
	sizeHint atomic.Int64
}

// Must returns t, or panics if err is not nil. It is meant for templates
// fixed at compile time: mapping.Must(mapping.Parse("calc", src)).
func Must(t *Template, err error) *Template {
	if err != nil {
		panic(err)
	}
	return t
}

// Name returns the template's name.
func (t *Template) Name() string { return t.name }

// String returns the template as canonical source: parsing it gives the
// same tree and the same output.
func (t *Template) String() string { return t.root.String() }

// Root returns the template's syntax tree.
func (t *Template) Root() *ListNode { return t.root }

// Execute runs the template on in and returns the rendered bytes and the
// overrides the template set. A nil in is an empty request.
func (t *Template) Execute(in *Input) (*Result, error) {
	res := &Result{}
	out, err := t.execute(make([]byte, 0, t.sizeHint.Load()), in, res)
	if err != nil {
		return nil, err
	}
	if n := int64(len(out)); n > t.sizeHint.Load() && n <= int64(MaxOutputSize) {
		t.sizeHint.Store(n)
	}
	res.Output = out
	return res, nil
}

// AppendExecute runs the template on in and appends the rendered bytes to
// dst. It ignores overrides and allocates nothing beyond growing dst once
// warmed up, for hot paths.
func (t *Template) AppendExecute(dst []byte, in *Input) ([]byte, error) {
	return t.execute(dst, in, nil)
}

var statePool = sync.Pool{New: func() any {
	return &state{}
}}

func (t *Template) execute(dst []byte, in *Input, res *Result) ([]byte, error) {
	if in == nil {
		in = &Input{}
	}
	st := statePool.Get().(*state)
	st.t, st.in, st.out = t, in, dst
	n := len(t.names)
	if cap(st.vars) < n {
		st.vars = make([]value, n)
		st.has = make([]bool, n)
	}
	st.vars, st.has = st.vars[:n], st.has[:n]
	err := st.walkList(t.root)
	if err == errStop {
		err = nil
	}
	out := st.out
	if err == nil && res != nil {
		st.collectOverrides(&res.Overrides)
	}
	st.reset()
	statePool.Put(st)
	if err != nil {
		return dst, err
	}
	return out, nil
}

// state is one execution of a template.
type state struct {
	t     *Template
	in    *Input
	out   []byte
	vars  []value // variables by slot
	has   []bool  // whether a slot is set
	args  []value
	depth int
	steps int
	// breaking is set by #break until the enclosing #foreach or block.
	breaking bool

	// arena holds strings built during the execution; see scratch.
	arena []byte
	busy  bool
	// slabs of maps and lists reused across executions.
	maps   []*vmap
	nmaps  int
	lists  []*vlist
	nlists int

	body       value
	bodyErr    error
	bodyParsed bool
	ctx        value
	ctxMade    bool
	stageVars  value
	stageMade  bool
}

func (st *state) reset() {
	clear(st.vars)
	clear(st.has)
	for _, m := range st.maps[:st.nmaps] {
		clear(m.keys)
		clear(m.vals)
		m.keys, m.vals = m.keys[:0], m.vals[:0]
	}
	for _, l := range st.lists[:st.nlists] {
		clear(l.items)
		l.items = l.items[:0]
		l.kind = listArrayList
	}
	st.nmaps, st.nlists = 0, 0
	st.t, st.in, st.out = nil, nil, nil
	st.depth, st.steps, st.breaking, st.busy = 0, 0, false, false
	st.arena = st.arena[:0]
	st.body, st.bodyErr, st.bodyParsed = null, nil, false
	st.ctx, st.ctxMade = null, false
	st.stageVars, st.stageMade = null, false
}

// newMap returns an empty map from the slab.
func (st *state) newMap() *vmap {
	if st.nmaps < len(st.maps) {
		m := st.maps[st.nmaps]
		st.nmaps++
		return m
	}
	m := &vmap{}
	st.maps = append(st.maps, m)
	st.nmaps++
	return m
}

// newList returns an empty list of the given kind from the slab.
func (st *state) newList(k listKind) *vlist {
	var l *vlist
	if st.nlists < len(st.lists) {
		l = st.lists[st.nlists]
	} else {
		l = &vlist{}
		st.lists = append(st.lists, l)
	}
	st.nlists++
	l.kind = k
	return l
}

// scratch returns an empty buffer to build a string in; keep turns it
// into a string that stays valid for the rest of the execution. Strings
// live in an arena that is reused by the next execution, so nothing built
// here may outlive it (overrides are copied out).
func (st *state) scratch() []byte {
	if st.busy {
		return nil
	}
	st.busy = true
	if cap(st.arena)-len(st.arena) < 256 {
		n := 2 * cap(st.arena)
		if n < 4096 {
			n = 4096
		}
		st.arena = make([]byte, 0, n)
	}
	return st.arena[len(st.arena):len(st.arena)]
}

func (st *state) keep(b []byte) string {
	st.busy = false
	if len(b) == 0 {
		return ""
	}
	a := st.arena
	if cap(a) > len(a) && unsafe.SliceData(b) == unsafe.SliceData(a[len(a):cap(a)]) && len(b) <= cap(a)-len(a) {
		st.arena = a[:len(a)+len(b)]
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}

func (st *state) checkSize(n int) error {
	if n > MaxOutputSize {
		return fmt.Errorf("string of %d bytes exceeds the %d-byte limit", n, MaxOutputSize)
	}
	return nil
}

var errStop = errors.New("#stop")

// errAt wraps err in an ExecError at node position pos, once.
func (st *state) errAt(pos Pos, err error) error {
	var ee *ExecError
	if errors.As(err, &ee) || err == errStop {
		return err
	}
	line, col := lineCol(st.t.src, int(pos))
	return &ExecError{Name: st.t.name, Line: line, Col: col, Err: err}
}

func (st *state) step(pos Pos) error {
	st.steps++
	if st.steps > MaxSteps {
		return st.errAt(pos, fmt.Errorf("template evaluates more than %d steps", MaxSteps))
	}
	return nil
}

// charge counts n units of work (elements created, kilobytes copied)
// against MaxSteps.
func (st *state) charge(pos Pos, n int) error {
	st.steps += n
	if st.steps > MaxSteps {
		return st.errAt(pos, fmt.Errorf("template evaluates more than %d steps", MaxSteps))
	}
	return nil
}

func (st *state) walkList(l *ListNode) error {
	if l == nil {
		return nil
	}
	for _, n := range l.Nodes {
		if err := st.walk(n); err != nil {
			return err
		}
		if st.breaking {
			return nil
		}
	}
	return nil
}

func (st *state) walk(n Node) error {
	if err := st.step(Pos(n.Position())); err != nil {
		return err
	}
	switch n := n.(type) {
	case *TextNode:
		st.out = append(st.out, n.Text...)
	case *CommentNode:
	case *RefNode:
		return st.renderRef(n)
	case *SetNode:
		return st.execSet(n)
	case *IfNode:
		for _, br := range n.Branches {
			v, err := st.eval(br.Cond)
			if err != nil {
				return err
			}
			if truthy(v) {
				return st.walkList(br.Body)
			}
		}
		return st.walkList(n.Else)
	case *ForeachNode:
		return st.execForeach(n)
	case *DefineNode:
		st.setVar(n.slot, value{k: kObj, o: &defineBlock{body: n.Body, pos: n.Pos}})
	case BreakNode:
		st.breaking = true
	case StopNode:
		return errStop
	default:
		return st.errAt(Pos(n.Position()), fmt.Errorf("unexpected node %T", n))
	}
	if len(st.out) > MaxOutputSize {
		return st.errAt(Pos(n.Position()), fmt.Errorf("output exceeds the %d-byte limit", MaxOutputSize))
	}
	return nil
}

// renderRef writes a reference. Null renders as the empty string, as API
// Gateway renders it; \$ref follows Velocity 1.7's escaping rule.
func (st *state) renderRef(r *RefNode) error {
	v, err := st.evalRef(r)
	if err != nil {
		return err
	}
	for i := 0; i < r.Escape/2; i++ {
		st.out = append(st.out, '\\')
	}
	if r.Escape%2 == 1 {
		if v.isNull() {
			st.out = append(st.out, '\\')
		}
		st.out = append(st.out, r.body()...)
		return nil
	}
	st.out, err = st.appendString(st.out, v)
	if err != nil {
		return st.errAt(r.Pos, err)
	}
	if len(st.out) > MaxOutputSize {
		return st.errAt(r.Pos, fmt.Errorf("output exceeds the %d-byte limit", MaxOutputSize))
	}
	return nil
}

// defineBlock is the value of a #define reference: it renders its body
// when it is rendered.
type defineBlock struct {
	body *ListNode
	pos  Pos
}

func (d *defineBlock) prop(st *state, name string) (value, bool) { return null, false }
func (d *defineBlock) call(st *state, name string, args []value) (value, bool, error) {
	if name == "toString" && len(args) == 0 {
		b, err := d.render(st, st.scratch())
		return str(st.keep(b)), true, err
	}
	return null, false, nil
}

func (d *defineBlock) render(st *state, b []byte) ([]byte, error) {
	st.depth++
	defer func() { st.depth-- }()
	if st.depth > MaxExecDepth {
		return b, st.errAt(d.pos, fmt.Errorf("#define blocks nested deeper than %d", MaxExecDepth))
	}
	saved := st.out
	st.out = b
	err := st.walkList(d.body)
	st.breaking = false
	b = st.out
	st.out = saved
	return b, err
}

func (st *state) execSet(n *SetNode) error {
	v, err := st.eval(n.Value)
	if err != nil {
		return err
	}
	if v.isNull() {
		return nil // Velocity 1.7 leaves the target unchanged.
	}
	r := n.Target
	if len(r.Chain) == 0 {
		st.setVar(r.slot, v)
		return nil
	}
	base, err := st.evalChain(r, len(r.Chain)-1)
	if err != nil {
		return err
	}
	last := r.Chain[len(r.Chain)-1]
	var key value
	if last.Index != nil {
		if key, err = st.eval(last.Index); err != nil {
			return err
		}
	} else {
		key = str(last.Name)
	}
	switch base.k {
	case kMap:
		base.m.put(key, v)
	case kList:
		if key.k != kInt {
			return nil
		}
		i := int(key.n)
		if i < 0 {
			i += len(base.l.items)
		}
		if i < 0 || i >= len(base.l.items) {
			return st.errAt(last.Offset, fmt.Errorf("index %d out of bounds for length %d", key.n, len(base.l.items)))
		}
		base.l.items[i] = v
	}
	return nil
}

// foreachInfo is $foreach inside a #foreach body.
type foreachInfo struct {
	index, count int
	hasNext      bool
	parent       value
}

func (f *foreachInfo) prop(st *state, name string) (value, bool) {
	switch name {
	case "index":
		return intv(int64(f.index)), true
	case "count":
		return intv(int64(f.count)), true
	case "hasNext":
		return boolv(f.hasNext), true
	case "first":
		return boolv(f.index == 0), true
	case "last":
		return boolv(!f.hasNext), true
	case "parent":
		return f.parent, true
	}
	return null, false
}

func (f *foreachInfo) call(st *state, name string, args []value) (value, bool, error) {
	if len(args) != 0 {
		return null, false, nil
	}
	switch name {
	case "getIndex", "getCount", "hasNext", "isFirst", "isLast", "getParent", "getHasNext", "getFirst", "getLast":
		p := name
		switch {
		case p == "hasNext":
		case len(p) > 3 && p[:3] == "get":
			p = string(p[3]+'a'-'A') + p[4:]
		case len(p) > 2 && p[:2] == "is":
			p = string(p[2]+'a'-'A') + p[3:]
		}
		v, ok := f.prop(st, p)
		return v, ok, nil
	}
	return null, false, nil
}

func (f *foreachInfo) render(st *state, b []byte) ([]byte, error) { return b, nil }

func (st *state) execForeach(n *ForeachNode) error {
	it, err := st.eval(n.Iter)
	if err != nil {
		return err
	}
	var items []value
	switch it.k {
	case kList:
		items = it.l.items
	case kMap:
		items = it.m.vals
	default:
		return nil
	}
	items = items[:len(items):len(items)] // a snapshot, even if the body appends
	if len(items) > MaxForeachIterations {
		items = items[:MaxForeachIterations]
	}
	savedVar, hadVar := st.vars[n.slot], st.has[n.slot]
	savedFE, hadFE := st.vars[slotForeach], st.has[slotForeach]
	savedVC, hadVC := st.vars[slotVelocityCount], st.has[slotVelocityCount]
	info := &foreachInfo{parent: savedFE}
	fe := value{k: kObj, o: info}
	for i, x := range items {
		info.index, info.count, info.hasNext = i, i+1, i+1 < len(items)
		st.setVar(n.slot, x)
		st.setVar(slotForeach, fe)
		st.setVar(slotVelocityCount, intv(int64(i+1)))
		if err := st.walkList(n.Body); err != nil {
			return err
		}
		if st.breaking {
			st.breaking = false
			break
		}
	}
	st.vars[n.slot], st.has[n.slot] = savedVar, hadVar
	st.vars[slotForeach], st.has[slotForeach] = savedFE, hadFE
	st.vars[slotVelocityCount], st.has[slotVelocityCount] = savedVC, hadVC
	return nil
}

// eval evaluates an expression.
func (st *state) eval(x Expr) (value, error) {
	if err := st.step(Pos(x.Position())); err != nil {
		return null, err
	}
	switch x := x.(type) {
	case *RefNode:
		return st.evalRef(x)
	case *StringNode:
		if x.Parts == nil {
			return str(x.Text), nil
		}
		if st.depth >= MaxExecDepth {
			return null, st.errAt(x.Pos, fmt.Errorf("strings nested deeper than %d", MaxExecDepth))
		}
		st.depth++
		saved := st.out
		st.out = st.scratch()
		err := st.walkList(x.Parts)
		st.depth--
		st.breaking = false
		b := st.out
		st.out = saved
		if err != nil {
			st.keep(nil)
			return null, err
		}
		if err := st.checkSize(len(b)); err != nil {
			return null, st.errAt(x.Pos, err)
		}
		if err := st.charge(x.Pos, len(b)/1024); err != nil {
			return null, err
		}
		return str(st.keep(b)), nil
	case *NumberNode:
		if x.IsFloat {
			return floatv(x.Float), nil
		}
		return intv(x.Int), nil
	case *BoolNode:
		return boolv(x.Val), nil
	case *ParenNode:
		return st.eval(x.X)
	case *NotNode:
		v, err := st.eval(x.X)
		if err != nil {
			return null, err
		}
		return boolv(!truthy(v)), nil
	case *BinaryNode:
		return st.evalBinary(x)
	case *ListLitNode:
		l := st.newList(listArrayList)
		for _, it := range x.Items {
			v, err := st.eval(it)
			if err != nil {
				return null, err
			}
			l.items = append(l.items, v)
		}
		return listv(l), nil
	case *MapLitNode:
		m := st.newMap()
		for i := range x.Keys {
			k, err := st.eval(x.Keys[i])
			if err != nil {
				return null, err
			}
			v, err := st.eval(x.Vals[i])
			if err != nil {
				return null, err
			}
			m.put(k, v)
		}
		return mapv(m), nil
	case *RangeNode:
		from, err := st.eval(x.From)
		if err != nil {
			return null, err
		}
		to, err := st.eval(x.To)
		if err != nil {
			return null, err
		}
		a, ok1 := rangeBound(from)
		b, ok2 := rangeBound(to)
		if !ok1 || !ok2 {
			return null, nil
		}
		n := b - a
		if n < 0 {
			n = -n
		}
		if n >= int64(MaxRange) {
			return null, st.errAt(x.Pos, fmt.Errorf("range [%d..%d] has more than %d elements", a, b, MaxRange))
		}
		if err := st.charge(x.Pos, int(n)); err != nil {
			return null, err
		}
		l := st.newList(listArrayList)
		step := int64(1)
		if b < a {
			step = -1
		}
		for i := a; ; i += step {
			l.items = append(l.items, intv(i))
			if i == b {
				break
			}
		}
		return listv(l), nil
	}
	return null, fmt.Errorf("unexpected expression %T", x)
}

// MaxRange caps the number of elements of a [a..b] range.
var MaxRange = 100_000

func rangeBound(v value) (int64, bool) {
	switch v.k {
	case kInt:
		return v.n, true
	case kFloat:
		return int64(v.fl()), true
	}
	return 0, false
}

func (st *state) evalBinary(x *BinaryNode) (value, error) {
	l, err := st.eval(x.L)
	if err != nil {
		return null, err
	}
	switch x.Op {
	case "&&":
		if !truthy(l) {
			return boolv(false), nil
		}
		r, err := st.eval(x.R)
		return boolv(truthy(r)), err
	case "||":
		if truthy(l) {
			return boolv(true), nil
		}
		r, err := st.eval(x.R)
		return boolv(truthy(r)), err
	}
	r, err := st.eval(x.R)
	if err != nil {
		return null, err
	}
	switch x.Op {
	case "==", "!=":
		eq, err := st.compareEq(l, r)
		if err != nil {
			return null, st.errAt(x.Pos, err)
		}
		return boolv(eq == (x.Op == "==")), nil
	case "<", ">", "<=", ">=":
		return boolv(compareOrder(x.Op, l, r)), nil
	}
	v, err := st.arith(x.Op, l, r)
	if err != nil {
		return null, st.errAt(x.Pos, err)
	}
	return v, nil
}

func (st *state) setVar(slot int, v value) {
	st.vars[slot], st.has[slot] = v, true
}

// lookup returns the value of a top-level name.
func (st *state) lookup(slot int, name string) value {
	if st.has[slot] {
		return st.vars[slot]
	}
	switch name {
	case "input":
		return value{k: kObj, o: inputObj{}}
	case "util":
		return value{k: kObj, o: utilObj{}}
	case "context":
		return st.context()
	case "stageVariables":
		if !st.stageMade {
			st.stageMade = true
			m := st.newMap()
			for _, f := range st.in.StageVariables {
				m.put(str(f.Name), str(f.Value))
			}
			st.stageVars = mapv(m)
		}
		return st.stageVars
	}
	return null
}

func (st *state) evalRef(r *RefNode) (value, error) {
	return st.evalChain(r, len(r.Chain))
}

// evalChain evaluates r's name and its first n steps.
func (st *state) evalChain(r *RefNode, n int) (value, error) {
	v := st.lookup(r.slot, r.Name)
	for _, a := range r.Chain[:n] {
		if v.isNull() {
			return null, nil
		}
		var err error
		switch {
		case a.Index != nil:
			var k value
			if k, err = st.eval(a.Index); err != nil {
				return null, err
			}
			v, err = st.index(v, k)
		case a.Call:
			// Arguments live on a stack in the state so calls do not
			// allocate.
			base := len(st.args)
			for _, x := range a.Args {
				av, err := st.eval(x)
				if err != nil {
					st.args = st.args[:base]
					return null, err
				}
				st.args = append(st.args, av)
			}
			v, err = st.callMethod(v, a.Name, st.args[base:len(st.args):len(st.args)])
			clear(st.args[base:])
			st.args = st.args[:base]
		default:
			v, err = st.property(v, a.Name)
		}
		if err != nil {
			return null, st.errAt(a.Offset, err)
		}
	}
	return v, nil
}

func (st *state) index(v, k value) (value, error) {
	switch v.k {
	case kMap:
		r, _ := v.m.get(k)
		return r, nil
	case kList:
		if k.k != kInt {
			return null, nil
		}
		i := k.n
		if i < 0 {
			i += int64(len(v.l.items))
		}
		if i < 0 || i >= int64(len(v.l.items)) {
			return null, fmt.Errorf("index %d out of bounds for length %d", k.n, len(v.l.items))
		}
		return v.l.items[i], nil
	case kObj:
		r, _, err := v.o.call(st, "get", []value{k})
		return r, err
	}
	return null, nil
}

// property is Velocity's $x.name: Map.get("name"), then getName(), then
// isName().
func (st *state) property(v value, name string) (value, error) {
	switch v.k {
	case kMap:
		if i := v.m.findString(name); i >= 0 {
			return v.m.vals[i], nil
		}
		return null, nil
	case kObj:
		if r, ok := v.o.prop(st, name); ok {
			return r, nil
		}
	}
	if name == "" {
		return null, nil
	}
	up := string(name[0]&^0x20) + name[1:]
	if 'a' <= name[0] && name[0] <= 'z' {
		if r, err := st.callMethod(v, "get"+up, nil); err != nil || !r.isNull() {
			return r, err
		}
		return st.callMethod(v, "is"+up, nil)
	}
	return null, nil
}
