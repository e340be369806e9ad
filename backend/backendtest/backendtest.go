// Package backendtest is the conformance suite every backend runs: small cases with known
// answers for each primitive, including strided, broadcast (stride 0) and transposed layouts.
package backendtest

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/ember-ml/ember/backend"
)

// RunAll runs every conformance test against b.
func RunAll(t *testing.T, b backend.Backend) {
	t.Run("AllocFromHost", func(t *testing.T) { testAlloc(t, b) })
	t.Run("Copy", func(t *testing.T) { testCopy(t, b) })
	t.Run("Unary", func(t *testing.T) { testUnary(t, b) })
	t.Run("Binary", func(t *testing.T) { testBinary(t, b) })
	t.Run("Reduce", func(t *testing.T) { testReduce(t, b) })
	t.Run("ArgReduce", func(t *testing.T) { testArgReduce(t, b) })
	t.Run("MatMul", func(t *testing.T) { testMatMul(t, b) })
	t.Run("GatherScatter", func(t *testing.T) { testGatherScatter(t, b) })
	t.Run("Cumsum", func(t *testing.T) { testCumsum(t, b) })
	t.Run("MatMulBiasAct", func(t *testing.T) { testMatMulBiasAct(t, b) })
	t.Run("Conv2d", func(t *testing.T) { testConv2d(t, b) })
	t.Run("MaxPool2dBackward", func(t *testing.T) { testMaxPoolBackward(t, b) })
}

func c(shape ...int) backend.Layout { return backend.ContiguousLayout(shape) }

func f64(t *testing.T, b backend.Backend, s backend.Storage) []float64 {
	t.Helper()
	switch d := b.ToHost(s).(type) {
	case []float64:
		return d
	case []float32:
		out := make([]float64, len(d))
		for i, v := range d {
			out[i] = float64(v)
		}
		return out
	case []int64:
		out := make([]float64, len(d))
		for i, v := range d {
			out[i] = float64(v)
		}
		return out
	}
	t.Fatalf("unexpected host type %T", b.ToHost(s))
	return nil
}

func expect(t *testing.T, what string, got, want []float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: got %v, want %v", what, got, want)
	}
	for i := range got {
		if math.IsNaN(want[i]) && math.IsNaN(got[i]) {
			continue
		}
		if math.Abs(got[i]-want[i]) > 1e-6*math.Max(1, math.Abs(want[i])) {
			t.Fatalf("%s: got %v, want %v", what, got, want)
		}
	}
}

func testAlloc(t *testing.T, b backend.Backend) {
	for _, dt := range []backend.DType{backend.Float32, backend.Float64, backend.Int64, backend.Bool} {
		s := b.Alloc(dt, 5)
		if s.DType() != dt || s.Len() != 5 {
			t.Fatalf("alloc %v: got %v len %d", dt, s.DType(), s.Len())
		}
	}
	s := b.FromHost([]int64{3, -1})
	if got := b.ToHost(s).([]int64); !slices.Equal(got, []int64{3, -1}) {
		t.Fatalf("round trip %v", got)
	}
}

func testCopy(t *testing.T, b backend.Backend) {
	src := b.FromHost([]float64{0, 1, 2, 3, 4, 5}) // 2×3
	dst := b.Alloc(backend.Float32, 6)
	// Transpose while copying and convert float64 → float32.
	b.Copy(dst, c(3, 2), src, backend.Layout{Shape: []int{3, 2}, Strides: []int{1, 3}})
	expect(t, "transposed copy", f64(t, b, dst), []float64{0, 3, 1, 4, 2, 5})
	ints := b.Alloc(backend.Int64, 2)
	b.Copy(ints, c(2), b.FromHost([]float32{-1.7, 2.9}), c(2))
	expect(t, "float→int truncates", f64(t, b, ints), []float64{-1, 2})
	b.Fill(dst, backend.Layout{Shape: []int{3}, Strides: []int{2}, Offset: 1}, 9)
	expect(t, "strided fill", f64(t, b, dst), []float64{0, 9, 1, 9, 2, 9})
}

func testUnary(t *testing.T, b backend.Backend) {
	src := b.FromHost([]float64{-2, -0.5, 0, 1.5})
	cases := []struct {
		op   backend.UnaryOp
		p    backend.UnaryParams
		want []float64
	}{
		{backend.Neg, backend.UnaryParams{}, []float64{2, 0.5, 0, -1.5}},
		{backend.Abs, backend.UnaryParams{}, []float64{2, 0.5, 0, 1.5}},
		{backend.ReLU, backend.UnaryParams{}, []float64{0, 0, 0, 1.5}},
		{backend.LeakyReLU, backend.UnaryParams{A: 0.1}, []float64{-0.2, -0.05, 0, 1.5}},
		{backend.Clamp, backend.UnaryParams{A: -1, B: 1}, []float64{-1, -0.5, 0, 1}},
		{backend.Sign, backend.UnaryParams{}, []float64{-1, -1, 0, 1}},
		{backend.Sigmoid, backend.UnaryParams{}, []float64{1 / (1 + math.Exp(2)), 1 / (1 + math.Exp(0.5)), 0.5, 1 / (1 + math.Exp(-1.5))}},
	}
	for _, cs := range cases {
		dst := b.Alloc(backend.Float64, 4)
		b.Unary(cs.op, cs.p, dst, src, c(4))
		expect(t, "unary", f64(t, b, dst), cs.want)
	}
}

func testBinary(t *testing.T, b backend.Backend) {
	x := b.FromHost([]float32{1, 2, 3, 4, 5, 6}) // 2×3
	y := b.FromHost([]float32{10, 20, 30})       // broadcast over rows
	dst := b.Alloc(backend.Float32, 6)
	b.Binary(backend.Add, dst, x, c(2, 3), y, backend.Layout{Shape: []int{2, 3}, Strides: []int{0, 1}})
	expect(t, "broadcast add", f64(t, b, dst), []float64{11, 22, 33, 14, 25, 36})
	mask := b.Alloc(backend.Bool, 6)
	b.Binary(backend.Gt, mask, x, c(2, 3), y, backend.Layout{Shape: []int{2, 3}, Strides: []int{0, 0}})
	if got := b.ToHost(mask).([]bool); !slices.Equal(got, []bool{false, false, false, false, false, false}) {
		t.Fatalf("gt mask %v", got)
	}
	nan := b.FromHost([]float64{math.NaN(), 1})
	one := b.FromHost([]float64{0, 2})
	mx := b.Alloc(backend.Float64, 2)
	b.Binary(backend.Maximum, mx, nan, c(2), one, c(2))
	expect(t, "maximum propagates NaN", f64(t, b, mx), []float64{math.NaN(), 2})
	w := b.Alloc(backend.Float32, 6)
	cond := b.FromHost([]bool{true, false, true})
	b.Where(w, cond, backend.Layout{Shape: []int{2, 3}, Strides: []int{0, 1}}, x, c(2, 3), y, backend.Layout{Shape: []int{2, 3}, Strides: []int{0, 1}})
	expect(t, "where", f64(t, b, w), []float64{1, 20, 3, 4, 20, 6})
}

func testReduce(t *testing.T, b backend.Backend) {
	x := b.FromHost([]float64{1, 2, 3, 4, 5, 6}) // 2×3
	rows := b.Alloc(backend.Float64, 2)
	b.Reduce(backend.Sum, rows, x, c(2, 3), []int{1})
	expect(t, "row sums", f64(t, b, rows), []float64{6, 15})
	cols := b.Alloc(backend.Float64, 3)
	b.Reduce(backend.Max, cols, x, c(2, 3), []int{0})
	expect(t, "column max", f64(t, b, cols), []float64{4, 5, 6})
	all := b.Alloc(backend.Float64, 1)
	b.Reduce(backend.Prod, all, x, backend.Layout{Shape: []int{3, 2}, Strides: []int{1, 3}}, []int{0, 1})
	expect(t, "product of a transposed view", f64(t, b, all), []float64{720})
	big := make([]float32, 1<<20)
	for i := range big {
		big[i] = 0.1
	}
	s := b.Alloc(backend.Float32, 1)
	b.Reduce(backend.Sum, s, b.FromHost(big), c(len(big)), []int{0})
	if got := f64(t, b, s)[0]; math.Abs(got-0.1*float64(len(big))) > 1 {
		t.Fatalf("float32 sum of 2^20 × 0.1 = %v: accumulation is too inexact", got)
	}
}

func testArgReduce(t *testing.T, b backend.Backend) {
	x := b.FromHost([]float64{3, 7, 7, 1, math.NaN(), 2}) // 2×3
	dst := b.Alloc(backend.Int64, 2)
	b.ArgReduce(backend.Max, dst, x, c(2, 3), 1)
	expect(t, "argmax (first of ties, NaN wins)", f64(t, b, dst), []float64{1, 1})
	b.ArgReduce(backend.Min, dst, x, c(2, 3), 1)
	expect(t, "argmin", f64(t, b, dst), []float64{0, 1})
}

func testMatMul(t *testing.T, b backend.Backend) {
	for _, n := range []int{1, 7, 33} {
		m, k := n+1, n+2
		av := make([]float64, m*k)
		bv := make([]float64, k*n)
		for i := range av {
			av[i] = float64(i%7) - 3
		}
		for i := range bv {
			bv[i] = float64(i%5) - 2
		}
		want := make([]float64, m*n)
		for i := range m {
			for j := range n {
				for p := range k {
					want[i*n+j] += av[i*k+p] * bv[p*n+j]
				}
			}
		}
		dst := b.Alloc(backend.Float64, m*n)
		b.MatMul(dst, b.FromHost(av), backend.Layout{Shape: []int{1, m, k}, Strides: []int{0, k, 1}}, b.FromHost(bv), backend.Layout{Shape: []int{1, k, n}, Strides: []int{0, n, 1}})
		expect(t, "matmul", f64(t, b, dst), want)
		// The same product with b stored transposed (n×k) and read through strides.
		bt := make([]float64, n*k)
		for p := range k {
			for j := range n {
				bt[j*k+p] = bv[p*n+j]
			}
		}
		b.MatMul(dst, b.FromHost(av), backend.Layout{Shape: []int{1, m, k}, Strides: []int{0, k, 1}}, b.FromHost(bt), backend.Layout{Shape: []int{1, k, n}, Strides: []int{0, 1, k}})
		expect(t, "matmul with transposed operand", f64(t, b, dst), want)
	}
}

func testGatherScatter(t *testing.T, b backend.Backend) {
	x := b.FromHost([]float64{1, 2, 3, 4, 5, 6}) // 2×3
	idx := b.FromHost([]int64{2, 0, 1, 1})       // 2×2
	g := b.Alloc(backend.Float64, 4)
	b.Gather(g, x, c(2, 3), idx, c(2, 2), 1)
	expect(t, "gather", f64(t, b, g), []float64{3, 1, 5, 5})
	dst := b.Alloc(backend.Float64, 6)
	b.ScatterAdd(dst, c(2, 3), idx, c(2, 2), b.FromHost([]float64{1, 2, 3, 4}), c(2, 2), 1)
	expect(t, "scatter_add accumulates repeats", f64(t, b, dst), []float64{2, 0, 1, 0, 7, 0})
}

func testCumsum(t *testing.T, b backend.Backend) {
	x := b.FromHost([]int64{1, 2, 3, 4, 5, 6})
	dst := b.Alloc(backend.Int64, 6)
	b.Cumsum(dst, x, c(2, 3), 0)
	expect(t, "cumsum dim 0", f64(t, b, dst), []float64{1, 2, 3, 5, 7, 9})
}

func testMatMulBiasAct(t *testing.T, b backend.Backend) {
	for _, size := range [][3]int{{1, 10, 10}, {3, 5, 4}, {40, 30, 20}, {300, 64, 50}} {
		m, k, n := size[0], size[1], size[2]
		av := make([]float32, m*k)
		wv := make([]float32, n*k) // [n, k]: the product uses its transpose, like a Linear layer
		bias := make([]float32, n)
		for i := range av {
			av[i] = float32(i%11) - 5
		}
		for i := range wv {
			wv[i] = float32(i%7)/3 - 1
		}
		for i := range bias {
			bias[i] = float32(i%5) - 2
		}
		aL := backend.Layout{Shape: []int{1, m, k}, Strides: []int{0, k, 1}}
		wL := backend.Layout{Shape: []int{1, k, n}, Strides: []int{0, 1, k}}
		for _, act := range []backend.UnaryOp{backend.Identity, backend.ReLU, backend.Tanh} {
			for _, withBias := range []bool{false, true} {
				var bs backend.Storage
				if withBias {
					bs = b.FromHost(bias)
				}
				got := b.Alloc(backend.Float32, m*n)
				b.MatMulBiasAct(got, b.FromHost(av), aL, b.FromHost(wv), wL, bs, act)
				want := b.Alloc(backend.Float32, m*n)
				b.MatMul(want, b.FromHost(av), aL, b.FromHost(wv), wL)
				b.BiasAct(want, m, n, bs, act)
				g, w := f64(t, b, got), f64(t, b, want)
				for i := range g {
					if math.Abs(g[i]-w[i]) > 1e-4*math.Max(1, math.Abs(w[i])) {
						t.Fatalf("%dx%dx%d act %d bias %v: element %d = %v, unfused %v", m, k, n, act, withBias, i, g[i], w[i])
					}
				}
			}
		}
	}
}

// testConv2d checks the fused convolution against its definition built from the backend's
// own primitives — Im2Col, MatMul, then bias and ReLU — and its backward against Col2Im and
// the two products, in float32 and float64, for padded, strided and dilated geometries.
func testConv2d(t *testing.T, b backend.Backend) {
	geoms := []backend.ConvGeometry{
		{N: 3, C: 2, H: 6, W: 7, KH: 3, KW: 3, SH: 1, SW: 1, PH: 1, PW: 1, DH: 1, DW: 1},
		{N: 2, C: 3, H: 8, W: 20, KH: 5, KW: 2, SH: 1, SW: 1, PH: 2, PW: 0, DH: 1, DW: 1},
		{N: 2, C: 2, H: 7, W: 6, KH: 3, KW: 2, SH: 2, SW: 1, PH: 1, PW: 1, DH: 1, DW: 2},
	}
	for _, dt := range []backend.DType{backend.Float32, backend.Float64} {
		for gi, g := range geoms {
			const outC = 7
			K, L := g.C*g.KH*g.KW, g.OutH()*g.OutW()
			vals := func(n, seed int) []float64 {
				v := make([]float64, n)
				for i := range v {
					v[i] = float64((i*seed+3)%17)/8 - 1
				}
				return v
			}
			store := func(v []float64) backend.Storage {
				if dt == backend.Float64 {
					return b.FromHost(v)
				}
				f := make([]float32, len(v))
				for i, x := range v {
					f[i] = float32(x)
				}
				return b.FromHost(f)
			}
			x, w, bias, gy := store(vals(g.N*g.C*g.H*g.W, 5)), store(vals(outC*K, 7)), store(vals(outC, 3)), store(vals(g.N*outC*L, 11))
			xL := c(g.N, g.C, g.H, g.W)
			// Definition: cols = im2col(x); y = relu(w·cols + bias).
			cols := b.Alloc(dt, g.N*K*L)
			b.Im2Col(cols, x, xL, g, 0)
			colsL := backend.Layout{Shape: []int{g.N, K, L}, Strides: []int{K * L, L, 1}}
			pre := b.Alloc(dt, g.N*outC*L)
			b.MatMul(pre, w, backend.Layout{Shape: []int{g.N, outC, K}, Strides: []int{0, K, 1}}, cols, colsL)
			biasRows := make([]float64, g.N*outC*L)
			bv := f64(t, b, bias)
			for i := range biasRows {
				biasRows[i] = bv[(i/L)%outC]
			}
			want := f64(t, b, pre)
			for i := range want {
				want[i] = math.Max(want[i]+biasRows[i], 0)
			}
			y := b.Alloc(dt, g.N*outC*L)
			b.Conv2d(y, x, xL, w, bias, g, outC, backend.ReLU)
			expectClose(t, fmt.Sprintf("%v geometry %d: conv2d", dt, gi), f64(t, b, y), want)

			// Backward: masked = gy where y > 0; dw = Σₙ masked·colsᵀ; db = Σ masked;
			// dx = col2im(wᵀ·masked).
			gv, yv := f64(t, b, gy), f64(t, b, y)
			masked := make([]float64, len(gv))
			for i := range gv {
				if yv[i] > 0 {
					masked[i] = gv[i]
				}
			}
			cv, wv := f64(t, b, cols), f64(t, b, w)
			wantDw, wantDb := make([]float64, outC*K), make([]float64, outC)
			dcols := make([]float64, g.N*K*L)
			for n := range g.N {
				for o := range outC {
					for l := range L {
						m := masked[(n*outC+o)*L+l]
						wantDb[o] += m
						for k := range K {
							wantDw[o*K+k] += m * cv[(n*K+k)*L+l]
							dcols[(n*K+k)*L+l] += wv[o*K+k] * m
						}
					}
				}
			}
			dxWant := b.Alloc(dt, g.N*g.C*g.H*g.W)
			b.Col2Im(dxWant, store(dcols), colsL, g)
			dx, dw, db := b.Alloc(dt, g.N*g.C*g.H*g.W), b.Alloc(dt, outC*K), b.Alloc(dt, outC)
			b.Conv2dBackward(dx, dw, db, gy, y, x, xL, w, g, outC, backend.ReLU)
			expectClose(t, fmt.Sprintf("%v geometry %d: conv2d dx", dt, gi), f64(t, b, dx), f64(t, b, dxWant))
			expectClose(t, fmt.Sprintf("%v geometry %d: conv2d dw", dt, gi), f64(t, b, dw), wantDw)
			expectClose(t, fmt.Sprintf("%v geometry %d: conv2d db", dt, gi), f64(t, b, db), wantDb)
		}
	}
}

// expectClose is expect with a float32-sized tolerance.
func expectClose(t *testing.T, what string, got, want []float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range got {
		if math.Abs(got[i]-want[i]) > 1e-4*math.Max(1, math.Abs(want[i])) {
			t.Fatalf("%s: element %d = %v, want %v", what, i, got[i], want[i])
		}
	}
}

func testMaxPoolBackward(t *testing.T, b backend.Backend) {
	// One 4×4 image, 2×2 windows: the gradient lands on each window's maximum.
	g := backend.ConvGeometry{N: 1, C: 1, H: 4, W: 4, KH: 2, KW: 2, SH: 2, SW: 2, DH: 1, DW: 1}
	x := b.FromHost([]float32{
		1, 5, 2, 2,
		3, 4, 9, 0,
		7, 7, 0, 1,
		6, 8, 1, 0,
	})
	vals, idx := b.Alloc(backend.Float32, 4), b.Alloc(backend.Int64, 4)
	b.MaxPool2d(vals, idx, x, c(1, 1, 4, 4), g)
	expect(t, "max_pool2d", f64(t, b, vals), []float64{5, 9, 8, 1})
	expect(t, "max_pool2d indices (first maximum)", f64(t, b, idx), []float64{1, 6, 13, 11})
	dx := b.Alloc(backend.Float32, 16)
	b.MaxPool2dBackward(dx, b.FromHost([]float32{10, 20, 30, 40}), idx, g)
	expect(t, "max_pool2d backward", f64(t, b, dx), []float64{0, 10, 0, 0, 0, 0, 20, 0, 0, 0, 0, 40, 0, 30, 0, 0})
}
