package vtl

// The objects a template can reach that are neither strings, numbers,
// maps nor lists: #define blocks, $foreach, and the entries of entrySet().
// $input and $util are in input.go.

// defineBlock is the value of a #define reference: it renders its body
// when it is rendered.
type defineBlock struct {
	body *listNode
	pos  srcPos
}

func (d *defineBlock) prop(st *state, name string) (value, bool) { return null, false }

func (d *defineBlock) call(st *state, name string, args []value) (value, bool, error) {
	if name == "toString" && len(args) == 0 {
		s, err := st.toString(value{k: kObj, o: d})
		return str(s), true, err
	}
	return null, false, nil
}

func (d *defineBlock) render(st *state, b []byte) ([]byte, error) {
	if st.depth >= st.lim.ExecDepth {
		return b, st.errAt(d.pos, limitErr("ExecDepth", st.lim.ExecDepth, "#define blocks nested deeper than %d", st.lim.ExecDepth))
	}
	st.depth++
	saved := st.out
	st.out = b
	err := st.walkList(d.body)
	st.depth--
	st.breaking = false
	b = st.out
	st.out = saved
	return b, err
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

// mapEntry is a Map.Entry from entrySet().
type mapEntry struct {
	m   *vmap
	key value
}

func (e *mapEntry) prop(st *state, name string) (value, bool) {
	switch name {
	case "key":
		return e.key, true
	case "value":
		v, _ := e.m.get(e.key, &st.heap)
		return v, true
	}
	return null, false
}

func (e *mapEntry) call(st *state, name string, args []value) (value, bool, error) {
	if len(args) == 0 {
		switch name {
		case "getKey":
			return e.key, true, nil
		case "getValue":
			v, _ := e.m.get(e.key, &st.heap)
			return v, true, nil
		case "toString":
			s, err := st.toString(value{k: kObj, o: e})
			return str(s), true, err
		}
	}
	return null, false, nil
}

func (e *mapEntry) render(st *state, b []byte) ([]byte, error) {
	b, err := st.appendString(b, e.key)
	if err != nil {
		return b, err
	}
	b = append(b, '=')
	v, _ := e.m.get(e.key, &st.heap)
	return st.appendString(b, v)
}
