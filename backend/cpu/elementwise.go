package cpu

import (
	"fmt"
	"math"

	"github.com/ember-ml/ember/backend"
)

func contig(shape []int) []int { return backend.ContiguousStrides(shape) }

// Copy copies through layouts, converting dtypes where they differ.
func (Backend) Copy(dst backend.Storage, dstL backend.Layout, src backend.Storage, srcL backend.Layout) {
	if dst.DType() == src.DType() {
		switch d := dst.(type) {
		case *Storage[float32]:
			copySame(d.Data, dstL, data[float32](src), srcL)
		case *Storage[float64]:
			copySame(d.Data, dstL, data[float64](src), srcL)
		case *Storage[int64]:
			copySame(d.Data, dstL, data[int64](src), srcL)
		case *Storage[bool]:
			copySame(d.Data, dstL, data[bool](src), srcL)
		}
		return
	}
	switch d := dst.(type) {
	case *Storage[float32]:
		copyInto(d.Data, dstL, src, srcL)
	case *Storage[float64]:
		copyInto(d.Data, dstL, src, srcL)
	case *Storage[int64]:
		copyInto(d.Data, dstL, src, srcL)
	case *Storage[bool]:
		copyInto(d.Data, dstL, src, srcL)
	}
}

// copySame copies between layouts of one dtype: runs with unit strides on both sides are
// memmoves, others a plain strided loop.
func copySame[T Elem](dst []T, dstL backend.Layout, src []T, srcL backend.Layout) {
	walk(dstL.Shape, [][]int{dstL.Strides, srcL.Strides}, []int{dstL.Offset, srcL.Offset}, func(o []int, n int, in []int) {
		d, s := o[0], o[1]
		if in[0] == 1 && in[1] == 1 {
			copy(dst[d:d+n], src[s:s+n])
			return
		}
		for range n {
			dst[d] = src[s]
			d += in[0]
			s += in[1]
		}
	})
}

func copyInto[D Elem](dst []D, dstL backend.Layout, src backend.Storage, srcL backend.Layout) {
	switch s := src.(type) {
	case *Storage[float32]:
		copyConv(dst, dstL, s.Data, srcL)
	case *Storage[float64]:
		copyConv(dst, dstL, s.Data, srcL)
	case *Storage[int64]:
		copyConv(dst, dstL, s.Data, srcL)
	case *Storage[bool]:
		copyConv(dst, dstL, s.Data, srcL)
	}
}

func copyConv[D, S Elem](dst []D, dstL backend.Layout, src []S, srcL backend.Layout) {
	conv := converter[D, S]()
	walk(dstL.Shape, [][]int{dstL.Strides, srcL.Strides}, []int{dstL.Offset, srcL.Offset}, func(o []int, n int, in []int) {
		d, s := o[0], o[1]
		for range n {
			dst[d] = conv(src[s])
			d += in[0]
			s += in[1]
		}
	})
}

// converter returns the conversion from S to D: numeric casts truncate toward zero, a bool
// becomes 0 or 1, and a number becomes true when non-zero.
func converter[D, S Elem]() func(S) D {
	var d D
	var s S
	switch any(d).(type) {
	case bool:
		return func(x S) D { return any(toF64(x) != 0).(D) }
	}
	switch any(s).(type) {
	case bool:
		return func(x S) D { return fromF64[D](toF64(x)) }
	case int64:
		if _, ok := any(d).(int64); ok {
			return func(x S) D { return any(any(x).(int64)).(D) }
		}
	}
	return func(x S) D { return fromF64[D](toF64(x)) }
}

func toF64[T Elem](x T) float64 {
	switch v := any(x).(type) {
	case float32:
		return float64(v)
	case float64:
		return v
	case int64:
		return float64(v)
	case bool:
		if v {
			return 1
		}
	}
	return 0
}

func fromF64[T Elem](x float64) T {
	var z T
	switch any(z).(type) {
	case float32:
		return any(float32(x)).(T)
	case float64:
		return any(x).(T)
	case int64:
		return any(int64(x)).(T)
	default:
		return any(x != 0).(T)
	}
}

// Fill sets every element through dstL to v.
func (Backend) Fill(dst backend.Storage, dstL backend.Layout, v float64) {
	switch d := dst.(type) {
	case *Storage[float32]:
		fill(d.Data, dstL, float32(v))
	case *Storage[float64]:
		fill(d.Data, dstL, v)
	case *Storage[int64]:
		fill(d.Data, dstL, int64(v))
	case *Storage[bool]:
		fill(d.Data, dstL, v != 0)
	}
}

func fill[T Elem](dst []T, l backend.Layout, v T) {
	if l.IsContiguous() {
		n := l.Numel()
		for i := range dst[l.Offset : l.Offset+n] {
			dst[l.Offset+i] = v
		}
		return
	}
	walk(l.Shape, [][]int{l.Strides}, []int{l.Offset}, func(o []int, n int, in []int) {
		d := o[0]
		for range n {
			dst[d] = v
			d += in[0]
		}
	})
}

// Unary applies op elementwise.
func (Backend) Unary(op backend.UnaryOp, p backend.UnaryParams, dst backend.Storage, src backend.Storage, srcL backend.Layout) {
	switch s := src.(type) {
	case *Storage[float32]:
		if op == backend.ReLU && srcL.IsContiguous() {
			d := data[float32](dst)
			in := s.Data[srcL.Offset : srcL.Offset+len(d)]
			for i, v := range in {
				d[i] = max(v, 0) // NaN stays NaN
			}
			return
		}
		f := floatUnary(op, p)
		unaryRun(data[float32](dst), s.Data, srcL, func(x float32) float32 { return float32(f(float64(x))) })
	case *Storage[float64]:
		unaryRun(data[float64](dst), s.Data, srcL, floatUnary(op, p))
	case *Storage[int64]:
		unaryRun(data[int64](dst), s.Data, srcL, intUnary(op, p))
	case *Storage[bool]:
		if op != backend.Not {
			panic(fmt.Sprintf("cpu: unary op %d is not defined for bool", op))
		}
		unaryRun(data[bool](dst), s.Data, srcL, func(x bool) bool { return !x })
	}
}

func unaryRun[T Elem](dst, src []T, l backend.Layout, f func(T) T) {
	i := 0
	walk(l.Shape, [][]int{l.Strides}, []int{l.Offset}, func(o []int, n int, in []int) {
		s := o[0]
		for range n {
			dst[i] = f(src[s])
			i++
			s += in[0]
		}
	})
}

func sigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}

func floatUnary(op backend.UnaryOp, p backend.UnaryParams) func(float64) float64 {
	switch op {
	case backend.Neg:
		return func(x float64) float64 { return -x }
	case backend.Exp:
		return math.Exp
	case backend.Log:
		return math.Log
	case backend.Log1p:
		return math.Log1p
	case backend.Sqrt:
		return math.Sqrt
	case backend.Rsqrt:
		return func(x float64) float64 { return 1 / math.Sqrt(x) }
	case backend.Abs:
		return math.Abs
	case backend.Sign:
		return func(x float64) float64 {
			switch {
			case x > 0:
				return 1
			case x < 0:
				return -1
			}
			return x // 0, -0 and NaN stay as they are
		}
	case backend.Sin:
		return math.Sin
	case backend.Cos:
		return math.Cos
	case backend.Tanh:
		return math.Tanh
	case backend.Sigmoid:
		return sigmoid
	case backend.ReLU:
		return func(x float64) float64 {
			if x > 0 || x != x {
				return x
			}
			return 0
		}
	case backend.LeakyReLU:
		return func(x float64) float64 {
			if x > 0 {
				return x
			}
			return x * p.A
		}
	case backend.ELU:
		return func(x float64) float64 {
			if x > 0 {
				return x
			}
			return p.A * math.Expm1(x)
		}
	case backend.GELU:
		return func(x float64) float64 { return 0.5 * x * (1 + math.Erf(x/math.Sqrt2)) }
	case backend.GELUTanh:
		c := math.Sqrt(2 / math.Pi)
		return func(x float64) float64 { return 0.5 * x * (1 + math.Tanh(c*(x+0.044715*x*x*x))) }
	case backend.SiLU:
		return func(x float64) float64 { return x * sigmoid(x) }
	case backend.Softplus:
		return func(x float64) float64 {
			if x*p.A > p.B {
				return x
			}
			return math.Log1p(math.Exp(p.A*x)) / p.A
		}
	case backend.Clamp:
		return func(x float64) float64 {
			if x != x {
				return x
			}
			return math.Min(math.Max(x, p.A), p.B)
		}
	case backend.Erf:
		return math.Erf
	case backend.Floor:
		return math.Floor
	case backend.Round:
		return math.RoundToEven
	}
	panic(fmt.Sprintf("cpu: unary op %d is not defined for floats", op))
}

func intUnary(op backend.UnaryOp, p backend.UnaryParams) func(int64) int64 {
	switch op {
	case backend.Neg:
		return func(x int64) int64 { return -x }
	case backend.Abs:
		return func(x int64) int64 {
			if x < 0 {
				return -x
			}
			return x
		}
	case backend.Sign:
		return func(x int64) int64 {
			switch {
			case x > 0:
				return 1
			case x < 0:
				return -1
			}
			return 0
		}
	case backend.ReLU:
		return func(x int64) int64 { return max(x, 0) }
	case backend.Clamp:
		lo, hi := p.A, p.B
		return func(x int64) int64 { return int64(math.Min(math.Max(float64(x), lo), hi)) }
	}
	panic(fmt.Sprintf("cpu: unary op %d is not defined for int64", op))
}

// Binary applies op elementwise to same-dtype operands.
func (Backend) Binary(op backend.BinaryOp, dst backend.Storage, a backend.Storage, aL backend.Layout, b backend.Storage, bL backend.Layout) {
	switch x := a.(type) {
	case *Storage[float32]:
		binaryTyped(op, dst, x.Data, aL, data[float32](b), bL)
	case *Storage[float64]:
		binaryTyped(op, dst, x.Data, aL, data[float64](b), bL)
	case *Storage[int64]:
		binaryTyped(op, dst, x.Data, aL, data[int64](b), bL)
	case *Storage[bool]:
		binaryBool(op, data[bool](dst), x.Data, aL, data[bool](b), bL)
	}
}

type number interface{ ~float32 | ~float64 | ~int64 }

func binaryTyped[T number](op backend.BinaryOp, dst backend.Storage, a []T, aL backend.Layout, b []T, bL backend.Layout) {
	if op.IsComparison() {
		var f func(x, y T) bool
		switch op {
		case backend.Eq:
			f = func(x, y T) bool { return x == y }
		case backend.Ne:
			f = func(x, y T) bool { return x != y }
		case backend.Lt:
			f = func(x, y T) bool { return x < y }
		case backend.Le:
			f = func(x, y T) bool { return x <= y }
		case backend.Gt:
			f = func(x, y T) bool { return x > y }
		case backend.Ge:
			f = func(x, y T) bool { return x >= y }
		default:
			panic(fmt.Sprintf("cpu: binary op %d is not defined for numbers", op))
		}
		binaryRun(data[bool](dst), a, aL, b, bL, f)
		return
	}
	var f func(x, y T) T
	switch op {
	case backend.Add:
		f = func(x, y T) T { return x + y }
	case backend.Sub:
		f = func(x, y T) T { return x - y }
	case backend.Mul:
		f = func(x, y T) T { return x * y }
	case backend.Div:
		f = func(x, y T) T { return x / y }
	case backend.Pow:
		f = func(x, y T) T { return T(math.Pow(float64(x), float64(y))) }
	case backend.Maximum:
		f = func(x, y T) T {
			if x != x || x > y {
				return x
			}
			return y
		}
	case backend.Minimum:
		f = func(x, y T) T {
			if x != x || x < y {
				return x
			}
			return y
		}
	case backend.ReLUGrad:
		f = func(x, y T) T {
			if y > 0 {
				return x
			}
			return 0
		}
	default:
		panic(fmt.Sprintf("cpu: binary op %d is not defined for numbers", op))
	}
	if fastArith(op, data[T](dst), a, aL, b, bL) {
		return
	}
	binaryRun(data[T](dst), a, aL, b, bL, f)
}

// fastArith runs +, −, ·, / without a function call per element when the operands are
// contiguous, or one of them is a broadcast row or scalar; it reports whether it did.
func fastArith[T number](op backend.BinaryOp, dst, a []T, aL backend.Layout, b []T, bL backend.Layout) bool {
	n := len(dst)
	if op == backend.ReLUGrad && aL.IsContiguous() && bL.IsContiguous() {
		a, b = a[aL.Offset:aL.Offset+n], b[bL.Offset:bL.Offset+n]
		if d, ok := any(dst).([]float32); ok {
			gradRow(d, any(a).([]float32), any(b).([]float32), true) // branch-free
			return true
		}
		for i := range dst {
			if b[i] > 0 {
				dst[i] = a[i]
			} else {
				dst[i] = 0
			}
		}
		return true
	}
	if op > backend.Div {
		return false
	}
	if n == 0 {
		return true
	}
	ac, bc := aL.IsContiguous(), bL.IsContiguous()
	switch {
	case ac && bc:
		arith(op, dst, a[aL.Offset:aL.Offset+n], b[bL.Offset:bL.Offset+n])
		return true
	case ac && isRowBroadcast(bL):
		cols := bL.Shape[len(bL.Shape)-1]
		row := b[bL.Offset : bL.Offset+cols]
		for r := 0; r < n; r += cols {
			arith(op, dst[r:r+cols], a[aL.Offset+r:aL.Offset+r+cols], row)
		}
		return true
	case ac && allZero(bL.Strides):
		arithScalar(op, dst, a[aL.Offset:aL.Offset+n], b[bL.Offset], false)
		return true
	case bc && allZero(aL.Strides):
		arithScalar(op, dst, b[bL.Offset:bL.Offset+n], a[aL.Offset], true)
		return true
	case ac && len(bL.Shape) > 0 && bL.Strides[len(bL.Strides)-1] == 0:
		// b is constant along each row (a per-channel bias [C, 1] against [N, C, L]): one
		// scalar per row of a.
		nd := len(aL.Shape)
		cols := aL.Shape[nd-1]
		if cols == 0 {
			return true
		}
		row := 0
		walk(aL.Shape[:nd-1], [][]int{bL.Strides[:nd-1]}, []int{bL.Offset}, func(o []int, cnt int, in []int) {
			q := o[0]
			for range cnt {
				lo := row * cols
				arithScalar(op, dst[lo:lo+cols], a[aL.Offset+lo:aL.Offset+lo+cols], b[q], false)
				row++
				q += in[0]
			}
		})
		return true
	}
	return false
}

func allZero(st []int) bool {
	for _, s := range st {
		if s != 0 {
			return false
		}
	}
	return true
}

// isRowBroadcast reports whether l repeats one contiguous row over all leading dims.
func isRowBroadcast(l backend.Layout) bool {
	nd := len(l.Shape)
	if nd == 0 || (l.Strides[nd-1] != 1 && l.Shape[nd-1] != 1) {
		return false
	}
	return allZero(l.Strides[:nd-1])
}

func arith[T number](op backend.BinaryOp, dst, a, b []T) {
	b = b[:len(dst)]
	a = a[:len(dst)]
	switch op {
	case backend.Add:
		for i := range dst {
			dst[i] = a[i] + b[i]
		}
	case backend.Sub:
		for i := range dst {
			dst[i] = a[i] - b[i]
		}
	case backend.Mul:
		for i := range dst {
			dst[i] = a[i] * b[i]
		}
	case backend.Div:
		for i := range dst {
			dst[i] = a[i] / b[i]
		}
	}
}

// arithScalar computes a op s (or s op a when swapped).
func arithScalar[T number](op backend.BinaryOp, dst, a []T, s T, swapped bool) {
	a = a[:len(dst)]
	switch {
	case op == backend.Add:
		for i := range dst {
			dst[i] = a[i] + s
		}
	case op == backend.Mul:
		for i := range dst {
			dst[i] = a[i] * s
		}
	case op == backend.Sub && !swapped:
		for i := range dst {
			dst[i] = a[i] - s
		}
	case op == backend.Sub:
		for i := range dst {
			dst[i] = s - a[i]
		}
	case op == backend.Div && !swapped:
		for i := range dst {
			dst[i] = a[i] / s
		}
	default:
		for i := range dst {
			dst[i] = s / a[i]
		}
	}
}

// BiasAct applies y = act(y + bias) in place over a contiguous matrix.
func (Backend) BiasAct(y backend.Storage, rows, cols int, bias backend.Storage, act backend.UnaryOp) {
	switch d := y.(type) {
	case *Storage[float32]:
		var b []float32
		if bias != nil {
			b = data[float32](bias)
		}
		biasAct(d.Data[:rows*cols], cols, b, act)
	case *Storage[float64]:
		var b []float64
		if bias != nil {
			b = data[float64](bias)
		}
		biasAct(d.Data[:rows*cols], cols, b, act)
	default:
		panic("cpu: bias_act is defined for floats only")
	}
}

func biasAct[T float32 | float64](y []T, cols int, bias []T, act backend.UnaryOp) {
	if bias != nil {
		bias = bias[:cols]
		for r := 0; r < len(y); r += cols {
			row := y[r : r+cols]
			for j := range row {
				row[j] += bias[j]
			}
		}
	}
	switch act {
	case backend.Identity:
	case backend.ReLU:
		for i, v := range y {
			y[i] = max(v, 0) // branch-free; max propagates NaN
		}
	default:
		f := floatUnary(act, backend.UnaryParams{})
		for i, v := range y {
			y[i] = T(f(float64(v)))
		}
	}
}

func binaryBool(op backend.BinaryOp, dst []bool, a []bool, aL backend.Layout, b []bool, bL backend.Layout) {
	var f func(x, y bool) bool
	switch op {
	case backend.Eq:
		f = func(x, y bool) bool { return x == y }
	case backend.Ne:
		f = func(x, y bool) bool { return x != y }
	case backend.And, backend.Mul, backend.Minimum:
		f = func(x, y bool) bool { return x && y }
	case backend.Or, backend.Add, backend.Maximum:
		f = func(x, y bool) bool { return x || y }
	default:
		panic(fmt.Sprintf("cpu: binary op %d is not defined for bool", op))
	}
	binaryRun(dst, a, aL, b, bL, f)
}

func binaryRun[T, R Elem](dst []R, a []T, aL backend.Layout, b []T, bL backend.Layout, f func(x, y T) R) {
	i := 0
	walk(aL.Shape, [][]int{aL.Strides, bL.Strides}, []int{aL.Offset, bL.Offset}, func(o []int, n int, in []int) {
		p, q := o[0], o[1]
		for range n {
			dst[i] = f(a[p], b[q])
			i++
			p += in[0]
			q += in[1]
		}
	})
}

// Where selects between a and b elementwise.
func (Backend) Where(dst backend.Storage, cond backend.Storage, condL backend.Layout, a backend.Storage, aL backend.Layout, b backend.Storage, bL backend.Layout) {
	c := data[bool](cond)
	switch d := dst.(type) {
	case *Storage[float32]:
		whereRun(d.Data, c, condL, data[float32](a), aL, data[float32](b), bL)
	case *Storage[float64]:
		whereRun(d.Data, c, condL, data[float64](a), aL, data[float64](b), bL)
	case *Storage[int64]:
		whereRun(d.Data, c, condL, data[int64](a), aL, data[int64](b), bL)
	case *Storage[bool]:
		whereRun(d.Data, c, condL, data[bool](a), aL, data[bool](b), bL)
	}
}

func whereRun[T Elem](dst []T, c []bool, cL backend.Layout, a []T, aL backend.Layout, b []T, bL backend.Layout) {
	i := 0
	walk(cL.Shape, [][]int{cL.Strides, aL.Strides, bL.Strides}, []int{cL.Offset, aL.Offset, bL.Offset}, func(o []int, n int, in []int) {
		r, p, q := o[0], o[1], o[2]
		for range n {
			if c[r] {
				dst[i] = a[p]
			} else {
				dst[i] = b[q]
			}
			i++
			r += in[0]
			p += in[1]
			q += in[2]
		}
	})
}
