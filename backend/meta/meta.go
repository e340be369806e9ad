// Package meta is the backend of the meta device, as in PyTorch: its storages have a dtype and
// a length but no data, so a model of any size can be built and run on it without memory
// (nn.Summary computes its output shapes that way).
//
// Every primitive checks its operands — each storage must be a meta storage (a tensor of
// another device that reaches this backend is a bug in the caller), each layout must stay
// inside its storage, each output must have the expected length and dtype — and then returns
// without computing anything. Reading values (ToHost) panics; Host returns nil. Importing the
// package registers the backend for device "meta".
package meta

import (
	"fmt"

	"github.com/ember-ml/ember/backend"
)

// Storage is a meta buffer: a dtype and a length, no elements.
type Storage struct {
	dtype backend.DType
	n     int
}

// DType returns the element type.
func (s *Storage) DType() backend.DType { return s.dtype }

// Len returns the number of elements.
func (s *Storage) Len() int { return s.n }

// Backend is the meta backend. Its zero value is ready to use.
type Backend struct{}

var (
	_ backend.Backend  = Backend{}
	_ backend.Abstract = Backend{}
)

func init() { backend.Register(Backend{}) }

// Device returns backend.Meta.
func (Backend) Device() backend.Device { return backend.Meta }

// Abstract marks the backend as holding no values.
func (Backend) Abstract() {}

// Alloc returns a storage of n elements of dtype.
func (Backend) Alloc(dtype backend.DType, n int) backend.Storage {
	if n < 0 || dtype > backend.Bool {
		panic(fmt.Sprintf("meta: alloc: bad dtype %v or length %d", dtype, n))
	}
	return &Storage{dtype, n}
}

// FromHost returns a storage with the slice's dtype and length (the values are dropped).
func (Backend) FromHost(data any) backend.Storage {
	switch d := data.(type) {
	case []float32:
		return &Storage{backend.Float32, len(d)}
	case []float64:
		return &Storage{backend.Float64, len(d)}
	case []int64:
		return &Storage{backend.Int64, len(d)}
	case []bool:
		return &Storage{backend.Bool, len(d)}
	}
	panic(fmt.Sprintf("meta: from host: unsupported slice type %T", data))
}

// ToHost panics: meta storages have no values to read.
func (Backend) ToHost(s backend.Storage) any {
	panic("meta: cannot read values: tensors on the meta device have a shape and a dtype but no data")
}

// Host returns nil: meta storages share no host memory.
func (Backend) Host(s backend.Storage) any { return nil }

// Recycle does nothing: there is no memory to reuse.
func (Backend) Recycle(s backend.Storage) {}

// st returns s as a meta storage, panicking with op's name if it belongs to another backend.
func st(op string, s backend.Storage) *Storage {
	m, ok := s.(*Storage)
	if !ok {
		panic(fmt.Sprintf("meta: %s: got a %T storage: a tensor of another device reached the meta backend", op, s))
	}
	return m
}

// in checks that s is a meta storage and that every element l addresses lies inside it.
func in(op string, s backend.Storage, l backend.Layout) *Storage {
	m := st(op, s)
	if len(l.Strides) != len(l.Shape) {
		panic(fmt.Sprintf("meta: %s: layout with shape %v has strides %v", op, l.Shape, l.Strides))
	}
	if l.Numel() == 0 {
		return m
	}
	lo, hi := l.Offset, l.Offset
	for i, d := range l.Shape {
		if d < 0 {
			panic(fmt.Sprintf("meta: %s: negative dimension in shape %v", op, l.Shape))
		}
		if span := (d - 1) * l.Strides[i]; span < 0 {
			lo += span
		} else {
			hi += span
		}
	}
	if lo < 0 || hi >= m.n {
		panic(fmt.Sprintf("meta: %s: layout %+v reaches outside a storage of %d elements", op, l, m.n))
	}
	return m
}

// out checks that s is a meta storage of dtype with n elements.
func out(op string, s backend.Storage, n int, dtype backend.DType) *Storage {
	m := st(op, s)
	if m.n != n {
		panic(fmt.Sprintf("meta: %s: output has %d elements, want %d", op, m.n, n))
	}
	if m.dtype != dtype {
		panic(fmt.Sprintf("meta: %s: output dtype %v, want %v", op, m.dtype, dtype))
	}
	return m
}

// atLeast checks an operand passed without a layout (a bias, filters): a meta storage of
// dtype holding at least n elements from its start.
func atLeast(op string, s backend.Storage, n int, dtype backend.DType) {
	m := st(op, s)
	if m.n < n || m.dtype != dtype {
		panic(fmt.Sprintf("meta: %s: operand of %d %v elements, want at least %d %v", op, m.n, m.dtype, n, dtype))
	}
}

func sameShape(op string, a, b backend.Layout) {
	if len(a.Shape) != len(b.Shape) {
		panic(fmt.Sprintf("meta: %s: shapes %v and %v differ", op, a.Shape, b.Shape))
	}
	for i := range a.Shape {
		if a.Shape[i] != b.Shape[i] {
			panic(fmt.Sprintf("meta: %s: shapes %v and %v differ", op, a.Shape, b.Shape))
		}
	}
}

func float(op string, s *Storage) {
	if !s.dtype.IsFloat() {
		panic(fmt.Sprintf("meta: %s: needs a float storage, got %v", op, s.dtype))
	}
}

// Copy checks that both layouts fit and have the same shape.
func (Backend) Copy(dst backend.Storage, dstL backend.Layout, src backend.Storage, srcL backend.Layout) {
	in("copy", dst, dstL)
	in("copy", src, srcL)
	sameShape("copy", dstL, srcL)
}

// Fill checks that the layout fits.
func (Backend) Fill(dst backend.Storage, dstL backend.Layout, v float64) { in("fill", dst, dstL) }

// Unary checks the operands.
func (Backend) Unary(op backend.UnaryOp, p backend.UnaryParams, dst backend.Storage, src backend.Storage, srcL backend.Layout) {
	s := in("unary", src, srcL)
	out("unary", dst, srcL.Numel(), s.dtype)
}

// Binary checks the operands; comparisons write Bool.
func (Backend) Binary(op backend.BinaryOp, dst backend.Storage, a backend.Storage, aL backend.Layout, b backend.Storage, bL backend.Layout) {
	as := in("binary", a, aL)
	in("binary", b, bL)
	sameShape("binary", aL, bL)
	dt := as.dtype
	if op.IsComparison() {
		dt = backend.Bool
	}
	out("binary", dst, aL.Numel(), dt)
}

// Where checks the operands.
func (Backend) Where(dst backend.Storage, cond backend.Storage, condL backend.Layout, a backend.Storage, aL backend.Layout, b backend.Storage, bL backend.Layout) {
	in("where", cond, condL)
	as := in("where", a, aL)
	in("where", b, bL)
	sameShape("where", condL, aL)
	sameShape("where", aL, bL)
	out("where", dst, aL.Numel(), as.dtype)
}

// reduced returns the number of elements of shape with dims set to 1.
func reduced(shape []int, dims ...int) int {
	n := 1
	for i, d := range shape {
		for _, r := range dims {
			if r == i {
				d = 1
			}
		}
		n *= d
	}
	return n
}

// Reduce checks the operands.
func (Backend) Reduce(op backend.ReduceOp, dst backend.Storage, src backend.Storage, srcL backend.Layout, dims []int) {
	in("reduce", src, srcL)
	st("reduce", dst)
	if n := reduced(srcL.Shape, dims...); dst.Len() != n {
		panic(fmt.Sprintf("meta: reduce: output has %d elements, want %d", dst.Len(), n))
	}
}

// ArgReduce checks the operands.
func (Backend) ArgReduce(op backend.ReduceOp, dst backend.Storage, src backend.Storage, srcL backend.Layout, dim int) {
	in("arg_reduce", src, srcL)
	out("arg_reduce", dst, reduced(srcL.Shape, dim), backend.Int64)
}

// Sort checks the operands.
func (Backend) Sort(dst, idx backend.Storage, src backend.Storage, srcL backend.Layout, dim, k int, desc bool) {
	s := in("sort", src, srcL)
	n := reduced(srcL.Shape, dim) * k
	out("sort", dst, n, s.dtype)
	out("sort", idx, n, backend.Int64)
}

// Cdist checks the operands.
func (Backend) Cdist(dst backend.Storage, a backend.Storage, aL backend.Layout, b backend.Storage, bL backend.Layout, p float64) {
	as := in("cdist", a, aL)
	in("cdist", b, bL)
	float("cdist", as)
	out("cdist", dst, aL.Shape[0]*aL.Shape[1]*bL.Shape[1], as.dtype)
}

// CdistBackward checks the operands.
func (Backend) CdistBackward(ga backend.Storage, g backend.Storage, gL backend.Layout, a backend.Storage, aL backend.Layout, b backend.Storage, bL backend.Layout, dist backend.Storage, distL backend.Layout, p float64) {
	in("cdist_backward", g, gL)
	as := in("cdist_backward", a, aL)
	in("cdist_backward", b, bL)
	in("cdist_backward", dist, distL)
	out("cdist_backward", ga, aL.Numel(), as.dtype)
}

// MatMul checks the operands.
func (Backend) MatMul(dst backend.Storage, a backend.Storage, aL backend.Layout, b backend.Storage, bL backend.Layout) {
	as := in("matmul", a, aL)
	in("matmul", b, bL)
	if len(aL.Shape) != 3 || len(bL.Shape) != 3 || aL.Shape[0] != bL.Shape[0] || aL.Shape[2] != bL.Shape[1] {
		panic(fmt.Sprintf("meta: matmul: shapes %v and %v do not multiply", aL.Shape, bL.Shape))
	}
	out("matmul", dst, aL.Shape[0]*aL.Shape[1]*bL.Shape[2], as.dtype)
}

// Gather checks the operands (index values are not checked: there are none).
func (Backend) Gather(dst backend.Storage, src backend.Storage, srcL backend.Layout, index backend.Storage, indexL backend.Layout, dim int) {
	s := in("gather", src, srcL)
	in("gather", index, indexL)
	out("gather", dst, indexL.Numel(), s.dtype)
}

// ScatterAdd checks the operands.
func (Backend) ScatterAdd(dst backend.Storage, dstL backend.Layout, index backend.Storage, indexL backend.Layout, src backend.Storage, srcL backend.Layout, dim int) {
	in("scatter_add", dst, dstL)
	in("scatter_add", index, indexL)
	in("scatter_add", src, srcL)
	sameShape("scatter_add", indexL, srcL)
}

// Cumsum checks the operands.
func (Backend) Cumsum(dst backend.Storage, src backend.Storage, srcL backend.Layout, dim int) {
	s := in("cumsum", src, srcL)
	out("cumsum", dst, srcL.Numel(), s.dtype)
}

// BiasAct checks the operands.
func (Backend) BiasAct(y backend.Storage, rows, cols int, bias backend.Storage, act backend.UnaryOp) {
	ys := st("bias_act", y)
	if ys.n != rows*cols {
		panic(fmt.Sprintf("meta: bias_act: %d elements for a %d×%d matrix", ys.n, rows, cols))
	}
	if bias != nil {
		atLeast("bias_act", bias, cols, ys.dtype)
	}
}

func geometry(op string, src backend.Storage, srcL backend.Layout, g backend.ConvGeometry) *Storage {
	s := in(op, src, srcL)
	if len(srcL.Shape) != 4 || srcL.Shape[0] != g.N || srcL.Shape[1] != g.C || srcL.Shape[2] != g.H || srcL.Shape[3] != g.W {
		panic(fmt.Sprintf("meta: %s: image of shape %v does not match geometry %+v", op, srcL.Shape, g))
	}
	return s
}

// Im2Col checks the operands.
func (Backend) Im2Col(dst backend.Storage, src backend.Storage, srcL backend.Layout, g backend.ConvGeometry, pad float64) {
	s := geometry("im2col", src, srcL, g)
	out("im2col", dst, g.N*g.C*g.KH*g.KW*g.OutH()*g.OutW(), s.dtype)
}

// Col2Im checks the operands.
func (Backend) Col2Im(dst backend.Storage, cols backend.Storage, colsL backend.Layout, g backend.ConvGeometry) {
	c := in("col2im", cols, colsL)
	if colsL.Numel() != g.N*g.C*g.KH*g.KW*g.OutH()*g.OutW() {
		panic(fmt.Sprintf("meta: col2im: columns of shape %v do not match geometry %+v", colsL.Shape, g))
	}
	out("col2im", dst, g.N*g.C*g.H*g.W, c.dtype)
}

// MaxPool2d checks the operands.
func (Backend) MaxPool2d(dst, idx backend.Storage, src backend.Storage, srcL backend.Layout, g backend.ConvGeometry) {
	s := geometry("max_pool2d", src, srcL, g)
	n := g.N * g.C * g.OutH() * g.OutW()
	out("max_pool2d", dst, n, s.dtype)
	out("max_pool2d", idx, n, backend.Int64)
}

// MatMulBiasAct checks the operands.
func (b Backend) MatMulBiasAct(dst backend.Storage, a backend.Storage, aL backend.Layout, bm backend.Storage, bL backend.Layout, bias backend.Storage, act backend.UnaryOp) {
	b.MatMul(dst, a, aL, bm, bL)
	if bias != nil {
		atLeast("matmul_bias_act", bias, bL.Shape[2], st("matmul_bias_act", dst).dtype)
	}
}

// Conv2d checks the operands.
func (Backend) Conv2d(dst, src backend.Storage, srcL backend.Layout, w, bias backend.Storage, g backend.ConvGeometry, outC int, act backend.UnaryOp) {
	s := geometry("conv2d", src, srcL, g)
	float("conv2d", s)
	atLeast("conv2d", w, outC*g.C*g.KH*g.KW, s.dtype)
	if bias != nil {
		atLeast("conv2d", bias, outC, s.dtype)
	}
	out("conv2d", dst, g.N*outC*g.OutH()*g.OutW(), s.dtype)
}

// Conv2dBackward checks the operands.
func (Backend) Conv2dBackward(dx, dw, db, gy, y, src backend.Storage, srcL backend.Layout, w backend.Storage, g backend.ConvGeometry, outC int, act backend.UnaryOp) {
	s := geometry("conv2d_backward", src, srcL, g)
	ny := g.N * outC * g.OutH() * g.OutW()
	out("conv2d_backward", gy, ny, s.dtype)
	if y != nil {
		out("conv2d_backward", y, ny, s.dtype)
	}
	atLeast("conv2d_backward", w, outC*g.C*g.KH*g.KW, s.dtype)
	if dx != nil {
		out("conv2d_backward", dx, g.N*g.C*g.H*g.W, s.dtype)
	}
	if dw != nil {
		out("conv2d_backward", dw, outC*g.C*g.KH*g.KW, s.dtype)
	}
	if db != nil {
		out("conv2d_backward", db, outC, s.dtype)
	}
}

// MaxPool2dBackward checks the operands.
func (Backend) MaxPool2dBackward(dx, gy, idx backend.Storage, g backend.ConvGeometry) {
	n := g.N * g.C * g.OutH() * g.OutW()
	gs := st("max_pool2d_backward", gy)
	out("max_pool2d_backward", gy, n, gs.dtype)
	out("max_pool2d_backward", idx, n, backend.Int64)
	out("max_pool2d_backward", dx, g.N*g.C*g.H*g.W, gs.dtype)
}

// Adam checks the operands.
func (Backend) Adam(w, g, m, v backend.Storage, p backend.AdamParams) {
	ws := st("adam", w)
	float("adam", ws)
	for _, s := range []backend.Storage{g, m, v} {
		out("adam", s, ws.n, ws.dtype)
	}
}

// BCEWithLogits checks the operands and returns 0: there are no values to sum.
func (Backend) BCEWithLogits(x, y backend.Storage) float64 {
	xs := st("bce_with_logits", x)
	float("bce_with_logits", xs)
	out("bce_with_logits", y, xs.n, xs.dtype)
	return 0
}

// BCEWithLogitsBackward checks the operands.
func (Backend) BCEWithLogitsBackward(gx, x, y backend.Storage, k float64) {
	xs := st("bce_with_logits_backward", x)
	float("bce_with_logits_backward", xs)
	out("bce_with_logits_backward", y, xs.n, xs.dtype)
	out("bce_with_logits_backward", gx, xs.n, xs.dtype)
}
