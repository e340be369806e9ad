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
	t.Run("Sort", func(t *testing.T) { testSort(t, b) })
	t.Run("Cdist", func(t *testing.T) { testCdist(t, b) })
	t.Run("MatMul", func(t *testing.T) { testMatMul(t, b) })
	t.Run("GatherScatter", func(t *testing.T) { testGatherScatter(t, b) })
	t.Run("Cumsum", func(t *testing.T) { testCumsum(t, b) })
	t.Run("MatMulBiasAct", func(t *testing.T) { testMatMulBiasAct(t, b) })
	t.Run("Conv2d", func(t *testing.T) { testConv2d(t, b) })
	t.Run("MaxPool2dBackward", func(t *testing.T) { testMaxPoolBackward(t, b) })
	t.Run("Adam", func(t *testing.T) { testAdam(t, b) })
	t.Run("BCEWithLogits", func(t *testing.T) { testBCEWithLogits(t, b) })
}

func testAdam(t *testing.T, b backend.Backend) {
	// One step from m = v = 0 with β₁ = 0.9, β₂ = 0.999: m = 0.1·g, v = 0.001·g²,
	// w −= s·m/(√v/c + ε).
	p := backend.AdamParams{Beta1: 0.9, Beta2: 0.999, StepSize: 0.5, BC2Sqrt: 0.25, Eps: 1e-8}
	gs := []float64{1, -2, 0.5}
	want := make([]float64, 3)
	for i, g := range gs {
		m, v := 0.1*g, 0.001*g*g
		want[i] = 1 - p.StepSize*m/(math.Sqrt(v)/p.BC2Sqrt+p.Eps)
	}
	w, m, v := b.FromHost([]float64{1, 1, 1}), b.Alloc(backend.Float64, 3), b.Alloc(backend.Float64, 3)
	b.Adam(w, b.FromHost(gs), m, v, p)
	expect(t, "adam w", f64(t, b, w), want)
	expect(t, "adam m", f64(t, b, m), []float64{0.1, -0.2, 0.05})
	w32, m32, v32 := b.FromHost([]float32{1, 1, 1}), b.Alloc(backend.Float32, 3), b.Alloc(backend.Float32, 3)
	b.Adam(w32, b.FromHost([]float32{1, -2, 0.5}), m32, v32, p)
	expect(t, "adam float32 w", f64(t, b, w32), want)
}

func testBCEWithLogits(t *testing.T, b backend.Backend) {
	x, y := []float64{-1, 0, 2}, []float64{0, 1, 1}
	want, grads := 0.0, make([]float64, 3)
	for i := range x {
		s := 1 / (1 + math.Exp(-x[i]))
		want -= y[i]*math.Log(s) + (1-y[i])*math.Log(1-s)
		grads[i] = 0.5 * (s - y[i])
	}
	xs, ys := b.FromHost(x), b.FromHost(y)
	if got := b.BCEWithLogits(xs, ys); math.Abs(got-want) > 1e-12 {
		t.Fatalf("bce with logits %v, want %v", got, want)
	}
	gx := b.Alloc(backend.Float64, 3)
	b.BCEWithLogitsBackward(gx, xs, ys, 0.5)
	expect(t, "bce with logits backward", f64(t, b, gx), grads)
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

func testSort(t *testing.T, b backend.Backend) {
	nan := math.NaN()
	// Columns of a 3×2 matrix stored transposed: sort each column of [[3, 1], [nan, -0], [3, 0]].
	x := b.FromHost([]float64{3, nan, 3, 1, math.Copysign(0, -1), 0})
	xl := backend.Layout{Shape: []int{3, 2}, Strides: []int{1, 3}}
	vals, idx := b.Alloc(backend.Float64, 6), b.Alloc(backend.Int64, 6)
	b.Sort(vals, idx, x, xl, 0, 3, false)
	expect(t, "ascending values (NaN last)", f64(t, b, vals), []float64{3, -0.0, 3, 0, nan, 1})
	expect(t, "ascending positions (ties stable, -0 = +0)", f64(t, b, idx), []float64{0, 1, 2, 2, 1, 0})
	b.Sort(vals, idx, x, xl, 0, 3, true)
	expect(t, "descending values (NaN first)", f64(t, b, vals), []float64{nan, 1, 3, -0.0, 3, 0})
	expect(t, "descending positions (ties stable)", f64(t, b, idx), []float64{1, 0, 0, 1, 2, 2})
	top, topIdx := b.Alloc(backend.Float64, 2), b.Alloc(backend.Int64, 2)
	b.Sort(top, topIdx, x, xl, 0, 1, true)
	expect(t, "top-1 of each column", f64(t, b, top), []float64{nan, 1})
	expect(t, "top-1 positions", f64(t, b, topIdx), []float64{1, 0})

	ints := b.FromHost([]int64{5, -2, 9, 5, 0})
	iv, ii := b.Alloc(backend.Int64, 3), b.Alloc(backend.Int64, 3)
	b.Sort(iv, ii, ints, c(5), 0, 3, true)
	expect(t, "int64 top-3", f64(t, b, iv), []float64{9, 5, 5})
	expect(t, "int64 top-3 positions", f64(t, b, ii), []float64{2, 0, 3})
	bools := b.FromHost([]bool{true, false, true, false})
	bv, bi := b.Alloc(backend.Bool, 4), b.Alloc(backend.Int64, 4)
	b.Sort(bv, bi, bools, c(4), 0, 4, false)
	if got := b.ToHost(bv).([]bool); !slices.Equal(got, []bool{false, false, true, true}) {
		t.Fatalf("bool sort: got %v", got)
	}
	expect(t, "bool sort positions", f64(t, b, bi), []float64{1, 3, 0, 2})

	// Partial sorts of every size on rows with many ties: the result is the prefix of the
	// stable full sort.
	const rows, n = 2, 300
	src := make([]float32, rows*n)
	for i := range src {
		src[i] = float32((i * 7919) % 97)
	}
	s := b.FromHost(src)
	full, fullIdx := b.Alloc(backend.Float32, rows*n), b.Alloc(backend.Int64, rows*n)
	b.Sort(full, fullIdx, s, c(rows, n), 1, n, true)
	fv, fi := f64(t, b, full), f64(t, b, fullIdx)
	for r := range rows {
		for i := 1; i < n; i++ {
			a, z := fv[r*n+i-1], fv[r*n+i]
			if a < z || (a == z && fi[r*n+i-1] > fi[r*n+i]) {
				t.Fatalf("row %d not in stable descending order at %d", r, i)
			}
		}
	}
	for _, k := range []int{1, 5, 64, 65, 100, 149, 150, 299} {
		pv, pi := b.Alloc(backend.Float32, rows*k), b.Alloc(backend.Int64, rows*k)
		b.Sort(pv, pi, s, c(rows, n), 1, k, true)
		gv, gi := f64(t, b, pv), f64(t, b, pi)
		for r := range rows {
			expect(t, fmt.Sprintf("top-%d values", k), gv[r*k:(r+1)*k], fv[r*n:r*n+k])
			expect(t, fmt.Sprintf("top-%d positions", k), gi[r*k:(r+1)*k], fi[r*n:r*n+k])
		}
	}
}

func testCdist(t *testing.T, b backend.Backend) {
	// a = [[0, 0], [1, 1]]; x = [[3, 4], [1, 1], [0, 1]] stored transposed.
	a := b.FromHost([]float64{0, 0, 1, 1})
	aL := c(1, 2, 2)
	x := b.FromHost([]float64{3, 1, 0, 4, 1, 1})
	xL := backend.Layout{Shape: []int{1, 3, 2}, Strides: []int{6, 1, 3}}
	dst := b.Alloc(backend.Float64, 6)
	r2, r13 := math.Sqrt2, math.Sqrt(13)
	for _, cs := range []struct {
		p    float64
		want []float64
	}{
		{2, []float64{5, r2, 1, r13, 0, 1}},
		{1, []float64{7, 2, 1, 5, 0, 1}},
		{math.Inf(1), []float64{4, 1, 1, 3, 0, 1}},
		{0, []float64{2, 2, 1, 2, 0, 1}},
		{3, []float64{math.Cbrt(91), math.Cbrt(2), 1, math.Cbrt(35), 0, 1}},
	} {
		b.Cdist(dst, a, aL, x, xL, cs.p)
		expect(t, fmt.Sprintf("cdist p=%g", cs.p), f64(t, b, dst), cs.want)
	}
	// Gradient for p = 2 with g = 1: Σⱼ (aᵢ − xⱼ)/dᵢⱼ, skipping the zero distance.
	b.Cdist(dst, a, aL, x, xL, 2)
	g := b.FromHost([]float64{1})
	gL := backend.Layout{Shape: []int{1, 2, 3}, Strides: []int{0, 0, 0}} // broadcast ones
	ga := b.Alloc(backend.Float64, 4)
	b.CdistBackward(ga, g, gL, a, aL, x, xL, dst, c(1, 2, 3), 2)
	expect(t, "cdist backward p=2", f64(t, b, ga), []float64{-0.6 - 1/r2, -0.8 - 1/r2 - 1, 1 - 2/r13, -3 / r13})
	// With respect to x: the same call with a and x swapped and the distances transposed.
	gx := b.Alloc(backend.Float64, 6)
	b.CdistBackward(gx, g, gL, x, xL, a, aL, dst, backend.Layout{Shape: []int{1, 3, 2}, Strides: []int{6, 1, 3}}, 2)
	expect(t, "cdist backward p=2 (x)", f64(t, b, gx), []float64{0.6 + 2/r13, 0.8 + 3/r13, 1 / r2, 1 / r2, -1, 1})
	// p = ∞ gives every tied coordinate the whole gradient; p = 1 the signs.
	y := b.FromHost([]float64{1, -1})
	one := c(1, 1, 2)
	d1 := b.Alloc(backend.Float64, 1)
	for _, cs := range []struct {
		p    float64
		want []float64
	}{{math.Inf(1), []float64{-1, 1}}, {1, []float64{-1, 1}}, {3, []float64{-math.Pow(2, -2.0/3), math.Pow(2, -2.0/3)}}} {
		b.Cdist(d1, a, one, y, one, cs.p)
		g1 := b.Alloc(backend.Float64, 2)
		b.CdistBackward(g1, g, backend.Layout{Shape: []int{1, 1, 1}, Strides: []int{0, 0, 0}}, a, one, y, one, d1, c(1, 1, 1), cs.p)
		expect(t, fmt.Sprintf("cdist backward p=%g", cs.p), f64(t, b, g1), cs.want)
	}
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
