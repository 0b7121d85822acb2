// Package fieldset finds the fields of a name-value list (headers, query
// parameters, the members of a JSON object) by name, in time linear in
// the length of the list, so that grouping a request's or a response's
// headers never costs the square of their number. Names compare exactly
// or, for header names, ignoring ASCII case.
//
// A [Set] finds the first field with a name in a list that grows; a
// [Groups] links the fields of a list that share a name (is a field the
// first of its name, which field of that name comes next). Lists of up to
// 32 fields, the sizes requests carry, are scanned: that allocates nothing,
// so the invoke path's allocation counts stay as they are, and up to about
// 16 fields it is faster than hashing too. A longer list is hashed, once,
// as it grows, so each field costs amortized constant time and memory
// beyond its own bytes, however many fields there are and however alike
// their names.
//
// The functions take a list of any struct type with the shape of
// event.Field (Name and Value strings), so the package imports nothing of
// lambdagate's. [Work] counts the work done, for tests that bound the cost
// of a call by counting it at two input sizes.
package fieldset
