package vtl

import (
	"errors"
	"fmt"

	"github.com/lambdagate/lambdagate/internal/jsonsmart"
)

// state is one execution of a template: the interpreter's variables,
// output and position, over the heap the execution builds values in.
type state struct {
	heap
	t    *Template
	in   *Input
	out  []byte
	vars []value // variables by slot
	has  []bool  // whether a slot is set
	args []value // method arguments, as a stack
	// depth counts nested #define renderings and interpolated strings.
	depth int
	// breaking is set by #break until the enclosing #foreach or block.
	breaking bool

	// Values made on first use.
	body       value
	bodyErr    error
	bodyParsed bool
	ctx        value
	ctxMade    bool
	stageVars  value
	stageMade  bool
	// overridden are the override parameters the execution has set
	// (noteOverride).
	overridden map[string]struct{}
	dec        jsonsmart.Decoder
	jsonOpen   []value  // containers parseJSON is filling
	jsonKeys   []string // and the member names it read
	pathBuf    []value  // values a JSONPath selects
}

// keepArgs caps the argument stack a state keeps between executions.
const keepArgs = 256

// keepOverridden caps the override parameters whose map a state keeps
// between executions.
const keepOverridden = 64

// start prepares st to run t on in, appending to dst.
func (st *state) start(t *Template, in *Input, dst []byte) {
	st.heap.reset(&t.lim)
	st.t, st.in, st.out = t, in, dst
	n := len(t.names)
	if cap(st.vars) < n {
		st.vars = make([]value, n)
		st.has = make([]bool, n)
	}
	st.vars, st.has = st.vars[:n], st.has[:n]
}

// finish drops everything st refers to, ready for the pool.
func (st *state) finish() {
	clear(st.vars)
	clear(st.has)
	if cap(st.args) > keepArgs {
		st.args = nil
	}
	st.args = st.args[:0]
	st.t, st.in, st.out = nil, nil, nil
	st.depth, st.breaking = 0, false
	st.body, st.bodyErr, st.bodyParsed = null, nil, false
	st.ctx, st.ctxMade = null, false
	if len(st.overridden) > keepOverridden {
		st.overridden = nil
	}
	clear(st.overridden)
	st.stageVars, st.stageMade = null, false
	st.dec.Reset("", 0)
	clear(st.pathBuf[:cap(st.pathBuf)])
	if cap(st.pathBuf) > keepArgs {
		st.pathBuf = nil
	}
}

var errStop = errors.New("#stop")

// errAt wraps err in an ExecError at node position pos, once.
func (st *state) errAt(pos srcPos, err error) error {
	var ee *ExecError
	if errors.As(err, &ee) || err == errStop {
		return err
	}
	line, col := lineCol(st.t.src, int(pos))
	return &ExecError{Name: st.t.name, Line: line, Col: col, Err: err}
}

// step pays for one node or expression.
func (st *state) step(pos srcPos) error {
	if err := st.charge(1); err != nil {
		return st.errAt(pos, err)
	}
	return nil
}

func (st *state) walkList(l *listNode) error {
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

func (st *state) walk(n node) error {
	pos := srcPos(n.Position())
	if err := st.step(pos); err != nil {
		return err
	}
	var err error
	switch n := n.(type) {
	case *textNode:
		if err = st.grow(len(st.out), len(n.Text)); err == nil {
			st.out = append(st.out, n.Text...)
		}
	case *commentNode:
	case *refNode:
		err = st.renderRef(n)
	case *setNode:
		err = st.execSet(n)
	case *ifNode:
		err = st.execIf(n)
	case *foreachNode:
		err = st.execForeach(n)
	case *defineNode:
		st.setVar(n.slot, value{k: kObj, o: &defineBlock{body: n.Body, pos: n.srcPos}})
	case breakNode:
		st.breaking = true
	case stopNode:
		return errStop
	default:
		err = fmt.Errorf("unexpected node %T", n)
	}
	if err != nil {
		return st.errAt(pos, err)
	}
	return nil
}

// renderRef writes a reference. Null renders as the empty string, as API
// Gateway renders it; \$ref follows Velocity 1.7's escaping rule.
func (st *state) renderRef(r *refNode) error {
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
		return st.grow(len(st.out), 0)
	}
	st.out, err = st.appendString(st.out, v)
	return err
}

func (st *state) execIf(n *ifNode) error {
	for _, br := range n.Branches {
		ok, err := st.cond(br.Cond)
		if err != nil {
			return err
		}
		if ok {
			return st.walkList(br.Body)
		}
	}
	return st.walkList(n.Else)
}

// cond is Velocity 1.7's evaluate(): the truth of an expression in #if,
// #elseif, &&, || and !. A reference is true unless it is null or false;
// true, false, comparisons and logical operators are evaluated; anything
// else is false without being evaluated: a literal (a string, even an
// interpolated one, a number, a list, a map, a range) and arithmetic.
func (st *state) cond(x expr) (bool, error) {
	switch x := x.(type) {
	case *refNode, *notNode, *boolNode:
		v, err := st.eval(x)
		return truthy(v), err
	case *binaryNode:
		switch x.Op {
		case "+", "-", "*", "/", "%":
		default:
			v, err := st.eval(x)
			return truthy(v), err
		}
	case *parenNode:
		return st.cond(x.X)
	}
	return false, st.step(srcPos(x.Position()))
}

func (st *state) execSet(n *setNode) error {
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
		if err := st.noteOverride(base.m, key, v); err != nil {
			return st.errAt(last.Offset, err)
		}
		base.m.put(key, v, &st.heap)
		return st.spent()
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

func (st *state) execForeach(n *foreachNode) error {
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
	if len(items) > st.lim.ForeachIterations {
		items = items[:st.lim.ForeachIterations]
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
func (st *state) eval(x expr) (value, error) {
	pos := srcPos(x.Position())
	if err := st.step(pos); err != nil {
		return null, err
	}
	var v value
	var err error
	switch x := x.(type) {
	case *refNode:
		return st.evalRef(x)
	case *stringNode:
		v, err = st.evalString(x)
	case *numberNode:
		if x.IsFloat {
			return floatv(x.Float), nil
		}
		return intv(x.Int), nil
	case *boolNode:
		return boolv(x.Val), nil
	case *parenNode:
		return st.eval(x.X)
	case *notNode:
		var ok bool
		ok, err = st.cond(x.X)
		v = boolv(!ok)
	case *binaryNode:
		return st.evalBinary(x)
	case *listLitNode:
		v, err = st.evalList(x)
	case *mapLitNode:
		v, err = st.evalMap(x)
	case *rangeNode:
		v, err = st.evalRange(x)
	default:
		err = fmt.Errorf("unexpected expression %T", x)
	}
	if err != nil {
		return null, st.errAt(pos, err)
	}
	return v, nil
}

// evalString evaluates a string literal, rendering an interpolated one.
func (st *state) evalString(x *stringNode) (value, error) {
	if x.Parts == nil {
		return str(x.Text), nil
	}
	if st.depth >= st.lim.ExecDepth {
		return null, limitErr("ExecDepth", st.lim.ExecDepth, "strings nested deeper than %d", st.lim.ExecDepth)
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
		st.drop()
		return null, err
	}
	return str(st.keep(b)), nil
}

func (st *state) evalList(x *listLitNode) (value, error) {
	l, err := st.newList(listArrayList)
	if err != nil {
		return null, err
	}
	for _, it := range x.Items {
		v, err := st.eval(it)
		if err != nil {
			return null, err
		}
		l.items = append(l.items, v)
	}
	return listv(l), nil
}

func (st *state) evalMap(x *mapLitNode) (value, error) {
	m, err := st.newMap()
	if err != nil {
		return null, err
	}
	for i := range x.Keys {
		k, err := st.eval(x.Keys[i])
		if err != nil {
			return null, err
		}
		v, err := st.eval(x.Vals[i])
		if err != nil {
			return null, err
		}
		m.put(k, v, &st.heap)
	}
	return mapv(m), st.spent()
}

func (st *state) evalRange(x *rangeNode) (value, error) {
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
	if n >= int64(st.lim.Range) {
		return null, limitErr("Range", st.lim.Range, "range [%d..%d] has more than %d elements", a, b, st.lim.Range)
	}
	if err := st.charge(int(n)); err != nil {
		return null, err
	}
	l, err := st.newList(listArrayList)
	if err != nil {
		return null, err
	}
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

func rangeBound(v value) (int64, bool) {
	switch v.k {
	case kInt:
		return v.n, true
	case kFloat:
		return int64(v.fl()), true
	}
	return 0, false
}

func (st *state) evalBinary(x *binaryNode) (value, error) {
	switch x.Op {
	case "&&", "||":
		l, err := st.cond(x.L)
		if err != nil || l == (x.Op == "||") {
			return boolv(l), err
		}
		r, err := st.cond(x.R)
		return boolv(r), err
	}
	l, err := st.eval(x.L)
	if err != nil {
		return null, err
	}
	r, err := st.eval(x.R)
	if err != nil {
		return null, err
	}
	var v value
	switch x.Op {
	case "==", "!=":
		var eq bool
		eq, err = st.compareEq(l, r)
		v = boolv(eq == (x.Op == "=="))
	case "<", ">", "<=", ">=":
		v = boolv(compareOrder(x.Op, l, r))
	default:
		v, err = st.arith(x.Op, l, r)
	}
	if err != nil {
		return null, st.errAt(x.srcPos, err)
	}
	return v, nil
}

func (st *state) setVar(slot int, v value) {
	st.vars[slot], st.has[slot] = v, true
}

// lookup returns the value of a top-level name.
func (st *state) lookup(slot int, name string) (value, error) {
	if st.has[slot] {
		return st.vars[slot], nil
	}
	switch name {
	case "input":
		return value{k: kObj, o: inputObj{}}, nil
	case "util":
		return value{k: kObj, o: utilObj{}}, nil
	case "context":
		return st.context()
	case "stageVariables":
		return st.stageVariables()
	}
	return null, nil
}

func (st *state) evalRef(r *refNode) (value, error) {
	return st.evalChain(r, len(r.Chain))
}

// evalChain evaluates r's name and its first n steps.
func (st *state) evalChain(r *refNode, n int) (value, error) {
	v, err := st.lookup(r.slot, r.Name)
	if err != nil {
		return null, st.errAt(r.srcPos, err)
	}
	for i := range r.Chain[:n] {
		if v.isNull() {
			return null, nil
		}
		a := &r.Chain[i]
		switch {
		case a.Index != nil:
			var k value
			if k, err = st.eval(a.Index); err != nil {
				return null, err
			}
			v, err = st.index(v, k)
		case a.Call:
			v, err = st.call(v, a)
		default:
			v, err = st.property(v, a.Name)
		}
		if err != nil {
			return null, st.errAt(a.Offset, err)
		}
	}
	return v, nil
}

// call evaluates the arguments of a method step and calls it on v. The
// arguments live on a stack in the state so calls do not allocate.
func (st *state) call(v value, a *accessor) (value, error) {
	base := len(st.args)
	var err error
	for _, x := range a.Args {
		var av value
		if av, err = st.eval(x); err != nil {
			break
		}
		st.args = append(st.args, av)
	}
	if err == nil {
		v, err = st.callMethod(v, a.Name, st.args[base:len(st.args):len(st.args)])
	}
	clear(st.args[base:])
	st.args = st.args[:base]
	return v, err
}

func (st *state) index(v, k value) (value, error) {
	switch v.k {
	case kMap:
		r, _ := v.m.get(k, &st.heap)
		return r, st.spent()
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
	if name == "" || name[0] < 'a' || name[0] > 'z' {
		return null, nil
	}
	up := string(name[0]&^0x20) + name[1:]
	if r, err := st.callMethod(v, "get"+up, nil); err != nil || !r.isNull() {
		return r, err
	}
	return st.callMethod(v, "is"+up, nil)
}
