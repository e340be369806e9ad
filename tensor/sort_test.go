package tensor_test

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/ember-ml/ember/tensor"
	"github.com/ember-ml/ember/tensor/tensortest"
)

// refSort is the specification of Sort: a stable sort of one run (NaN largest).
func refSort(run []float64, desc bool) (vals []float64, idx []int64) {
	idx = make([]int64, len(run))
	for i := range idx {
		idx[i] = int64(i)
	}
	key := func(i int64) float64 { return run[i] }
	slices.SortStableFunc(idx, func(a, b int64) int {
		x, y := key(a), key(b)
		c := 0
		switch {
		case math.IsNaN(x) && math.IsNaN(y):
		case math.IsNaN(x):
			c = 1
		case math.IsNaN(y):
			c = -1
		default:
			c = cmp.Compare(x, y)
			if x == y { // -0 equals +0
				c = 0
			}
		}
		if desc {
			c = -c
		}
		return c
	})
	for _, i := range idx {
		vals = append(vals, run[i])
	}
	return vals, idx
}

// checkSorted compares Sort (and TopK for every k given) along the last dim of x (rows × n,
// any layout) with refSort.
func checkSorted(t *testing.T, x *T, desc bool, ks ...int) {
	t.Helper()
	rows, n := x.Size(0), x.Size(1)
	data := x.Double().Contiguous().Float64s()
	v, i := x.Sort(1, desc)
	gotV, gotI := v.Double().Float64s(), i.Int64s()
	tops := make([][]int64, len(ks))
	for j, k := range ks {
		tv, ti := x.TopK(k, 1, desc, true)
		if !slices.Equal(tv.Shape(), []int{rows, k}) {
			t.Fatalf("topk k=%d: values of shape %v", k, tv.Shape())
		}
		tops[j] = ti.Int64s()
	}
	for r := range rows {
		wantV, wantI := refSort(data[r*n:(r+1)*n], desc)
		for j := range n {
			same := gotV[r*n+j] == wantV[j] || math.IsNaN(gotV[r*n+j]) && math.IsNaN(wantV[j])
			if !same || gotI[r*n+j] != wantI[j] {
				t.Fatalf("sort desc=%v row %d pos %d: got (%v, %d), want (%v, %d)", desc, r, j, gotV[r*n+j], gotI[r*n+j], wantV[j], wantI[j])
			}
		}
		for j, k := range ks {
			if got := tops[j][r*k : (r+1)*k]; !slices.Equal(got, wantI[:k]) {
				t.Fatalf("topk k=%d largest=%v row %d: got %v, want %v", k, desc, r, got, wantI[:k])
			}
		}
	}
}

func TestSortMatchesStableReference(t *testing.T) {
	g := tensor.NewGenerator(7)
	// Few distinct values (many ties), a NaN and both zeros in every row.
	x := tensor.Randint(g, -20, 20, 6, 500).Double()
	x = x.MaskedFill(tensor.Rand(g, 6, 500).LtScalar(0.02), math.NaN())
	x = x.MaskedFill(tensor.Rand(g, 6, 500).LtScalar(0.02), math.Copysign(0, -1))
	for _, desc := range []bool{false, true} {
		checkSorted(t, x, desc, 0, 1, 7, 64, 65, 100, 249, 250, 499, 500)
		checkSorted(t, x.Float(), desc, 3, 120)
		checkSorted(t, x.T().Contiguous().T(), desc, 10) // column-major rows
		checkSorted(t, tensor.Randint(g, -3, 3, 4, 200), desc, 5, 80)
	}
}

func TestSortParallelRuns(t *testing.T) {
	// Enough elements for the kernel to split runs over goroutines; a transposed view makes
	// the sorted dim strided.
	g := tensor.NewGenerator(8)
	x := tensor.Randint(g, 0, 50, 300, 256).Float().T()
	for _, desc := range []bool{false, true} {
		checkSorted(t, x, desc, 4, 100)
	}
}

func TestTopKTiesLowerIndexFirst(t *testing.T) {
	x := tensor.FromSlice([]float32{3, 1, 3, 2, 3, 1})
	v, i := x.TopK(2, 0, true, true)
	if !slices.Equal(v.Float32s(), []float32{3, 3}) || !slices.Equal(i.Int64s(), []int64{0, 2}) {
		t.Fatalf("largest: got %v %v, want [3 3] [0 2]", v.Float32s(), i.Int64s())
	}
	v, i = x.TopK(3, 0, false, false)
	if !slices.Equal(v.Float32s(), []float32{1, 1, 2}) || !slices.Equal(i.Int64s(), []int64{1, 5, 3}) {
		t.Fatalf("smallest: got %v %v, want [1 1 2] [1 5 3]", v.Float32s(), i.Int64s())
	}
	// Sort is stable in both directions: ties keep their order.
	_, i = x.Sort(0, true)
	if !slices.Equal(i.Int64s(), []int64{0, 2, 4, 3, 1, 5}) {
		t.Fatalf("descending sort indices %v, want [0 2 4 3 1 5]", i.Int64s())
	}
}

func TestSortEdgeShapes(t *testing.T) {
	v, i := tensor.Scalar(3).Sort(0, false)
	if v.Dim() != 0 || v.Item() != 3 || i.Dim() != 0 || i.Item() != 0 {
		t.Fatalf("0-d sort: %v %v", v, i)
	}
	for k := range 2 {
		v, i = tensor.Scalar(3).TopK(k, -1, true, true)
		if v.Dim() != 0 || v.Item() != 3 || i.Item() != 0 {
			t.Fatalf("0-d topk k=%d: %v %v", k, v, i)
		}
	}
	v, i = tensor.Zeros(2, 0, 3).Sort(1, true)
	if !slices.Equal(v.Shape(), []int{2, 0, 3}) || !slices.Equal(i.Shape(), []int{2, 0, 3}) {
		t.Fatalf("empty sort shapes %v %v", v.Shape(), i.Shape())
	}
	v, i = tensor.Zeros(2, 3).TopK(0, 1, true, true)
	if !slices.Equal(v.Shape(), []int{2, 0}) || i.DType() != tensor.Int64 {
		t.Fatalf("k=0: %v %v", v.Shape(), i.DType())
	}
	b := tensor.FromSlice([]bool{true, false, true, false})
	bv, bi := b.Sort(0, false)
	if !slices.Equal(bv.Bools(), []bool{false, false, true, true}) || !slices.Equal(bi.Int64s(), []int64{1, 3, 0, 2}) {
		t.Fatalf("bool sort: %v %v", bv.Bools(), bi.Int64s())
	}
	if got := tensor.FromSlice([]int64{4, -1, 7}).ArgSort(0, true).Int64s(); !slices.Equal(got, []int64{2, 0, 1}) {
		t.Fatalf("argsort: %v", got)
	}
}

func TestSortTopKPanics(t *testing.T) {
	x := tensor.Zeros(2, 3)
	cases := []struct {
		f    func()
		want string
	}{
		{func() { x.TopK(5, 1, true, true) }, "topk: k 5 > size 3 of dim 1 of [2 3]"},
		{func() { x.TopK(-1, 0, true, true) }, "topk: k -1 must be non-negative (dim 0 of [2 3])"},
		{func() { x.TopK(1, 2, true, true) }, "topk: dimension 2 out of range"},
		{func() { x.Sort(-3, false) }, "sort: dimension -3 out of range"},
		{func() { tensor.FromSlice([]bool{true}).TopK(1, 0, true, true) }, "topk: not implemented for bool"},
	}
	for _, c := range cases {
		mustPanic(t, c.want, c.f)
	}
}

func TestSortTopKGradientsAndIndices(t *testing.T) {
	x := tensor.FromSlice([]float64{0.5, -1, 2, 0.5}).SetRequiresGrad(true)
	v, i := x.TopK(3, 0, true, true)
	if i.RequiresGrad() || !v.RequiresGrad() || v.GradFn() != "TopkBackward0" {
		t.Fatalf("requires grad: values %v (%s), indices %v", v.RequiresGrad(), v.GradFn(), i.RequiresGrad())
	}
	v.Mul(tensor.FromSlice([]float64{1, 10, 100})).Sum().Backward()
	// Values 2, 0.5 (pos 0), 0.5 (pos 3) receive weights 1, 10, 100.
	if got := x.Grad().Float64s(); !slices.Equal(got, []float64{10, 0, 1, 100}) {
		t.Fatalf("topk grad %v, want [10 0 1 100]", got)
	}
	sv, _ := x.Sort(0, false)
	if sv.GradFn() != "SortBackward1" {
		t.Fatalf("sort grad_fn %q", sv.GradFn())
	}
}

func TestCdistZeroDistanceGradient(t *testing.T) {
	// A row of x1 equal to a row of x2: the distance is 0 and so is its gradient (PyTorch's
	// convention), in the direct form (few rows) and the matrix-product form (> 25 rows).
	for _, rows := range []int{3, 30} {
		for _, p := range []float64{1, 2, 3, math.Inf(1)} {
			if rows == 30 && p != 2 {
				continue
			}
			x1 := tensor.Randn(tensor.NewGenerator(3), rows, 4).Double()
			x2 := tensor.Cat([]*T{x1.Narrow(0, 0, 1), tensor.Randn(tensor.NewGenerator(4), 2, 4).Double()}, 0)
			a := x1.Narrow(0, 0, 1).Clone().SetRequiresGrad(true) // the coincident row alone
			b := x2.Clone().SetRequiresGrad(true)
			d := tensor.Cdist(tensor.Cat([]*T{a, x1.Narrow(0, 1, rows-1)}, 0), b, p)
			if d.At(0, 0) != 0 {
				t.Fatalf("rows %d p %g: distance of equal rows %v", rows, p, d.At(0, 0))
			}
			d.Narrow(1, 0, 1).Sum().Backward() // only column 0: its row-0 distance is 0
			if ga := a.Grad().Float64s(); slices.ContainsFunc(ga, func(v float64) bool { return v != 0 }) {
				t.Fatalf("rows %d p %g: gradient at zero distance %v", rows, p, ga)
			}
		}
	}
}

func TestCdistKernelMatchesComposition(t *testing.T) {
	// The fused kernel and its backward against the same formula built from elementwise ops
	// (whose autograd gives PyTorch's gradient away from zero differences), on broadcast batch
	// dims and a transposed input, for sizes that spread rows over goroutines.
	g := tensor.NewGenerator(5)
	base1 := tensor.Randn(g, 2, 1, 3, 20).Double()
	base2 := tensor.Randn(g, 4, 25, 3).Double()
	for _, p := range []float64{0.5, 1, 1.5, 2, 3, math.Inf(1)} {
		x1 := base1.Clone().SetRequiresGrad(true)
		x2 := base2.Clone().SetRequiresGrad(true)
		a := x1.Transpose(-1, -2) // [2, 1, 20, 3]
		d := tensor.Cdist(a, x2, p)
		w := tensor.Rand(tensor.NewGenerator(6), d.Shape()...).Double()
		d.Mul(w).Sum().Backward()
		y1 := base1.Clone().SetRequiresGrad(true)
		y2 := base2.Clone().SetRequiresGrad(true)
		diff := y1.Transpose(-1, -2).Unsqueeze(-2).Sub(y2.Unsqueeze(-3)).Abs()
		var ref *T
		switch {
		case p == 1:
			ref = diff.SumDims([]int{-1}, false)
		case math.IsInf(p, 1):
			ref = diff.Amax([]int{-1}, false)
		default:
			ref = diff.PowScalar(p).SumDims([]int{-1}, false).PowScalar(1 / p)
		}
		ref.Mul(w).Sum().Backward()
		for k, c := range [][2]*T{{d, ref}, {x1.Grad(), y1.Grad()}, {x2.Grad(), y2.Grad()}} {
			if err := tensortest.Close(c[0], c[1], 1e-9, 1e-12); err != nil {
				t.Fatalf("p %g, tensor %d: %v", p, k, err)
			}
		}
	}
}

func TestCdistShapesAndPanics(t *testing.T) {
	d := tensor.Cdist(tensor.Zeros(2, 1, 3, 4), tensor.Zeros(5, 6, 4), 2)
	if !slices.Equal(d.Shape(), []int{2, 5, 3, 6}) {
		t.Fatalf("broadcast shape %v", d.Shape())
	}
	if d := tensor.Cdist(tensor.Zeros(0, 4), tensor.Zeros(3, 4), 1); !slices.Equal(d.Shape(), []int{0, 3}) {
		t.Fatalf("empty shape %v", d.Shape())
	}
	if d := tensor.Cdist(tensor.Ones(2, 0), tensor.Ones(3, 0), 2); !slices.Equal(d.Float32s(), make([]float32, 6)) {
		t.Fatalf("no columns: %v", d.Float32s())
	}
	cases := []struct {
		f    func()
		want string
	}{
		{func() { tensor.Cdist(tensor.Zeros(3), tensor.Zeros(2, 3), 2) }, "cdist: only supports at least 2-D"},
		{func() { tensor.Cdist(tensor.Zeros(2, 3), tensor.Zeros(2, 4), 2) }, "cdist: x1 [2 3] and x2 [2 4] must have the same number of columns"},
		{func() { tensor.Cdist(tensor.Zeros(2, 3), tensor.Zeros(2, 3).Double(), 2) }, "cdist: needs two floating tensors of one dtype"},
		{func() { tensor.Cdist(tensor.Zeros(2, 3).Long(), tensor.Zeros(2, 3).Long(), 2) }, "cdist: needs two floating"},
		{func() { tensor.Cdist(tensor.Zeros(2, 3), tensor.Zeros(2, 3), -1) }, "cdist: only supports non-negative p"},
		{func() { tensor.Cdist(tensor.Zeros(2, 2, 3), tensor.Zeros(3, 2, 3), 1) }, "cdist:"},
	}
	for _, c := range cases {
		mustPanic(t, c.want, c.f)
	}
}

func benchInput(rows, n int) *T { return tensor.Randn(tensor.NewGenerator(1), rows, n) }

// BenchmarkSort sorts every row of a 1000×1000 float32 matrix (torch.sort(x, dim=1, stable=True)).
func BenchmarkSort(b *testing.B) {
	x := benchInput(1000, 1000)
	for b.Loop() {
		x.Sort(1, false)
	}
	b.ReportMetric(float64(b.N)*1e6/b.Elapsed().Seconds(), "elems/s")
}

// BenchmarkSort1D sorts one float32 vector of 10⁶ elements.
func BenchmarkSort1D(b *testing.B) {
	x := benchInput(1, 1000000).Reshape(-1)
	for b.Loop() {
		x.Sort(0, true)
	}
}

// BenchmarkTopK takes the top k of every row of a 1000×1000 float32 matrix.
func BenchmarkTopK(b *testing.B) {
	x := benchInput(1000, 1000)
	for _, k := range []int{10, 100, 500} {
		b.Run(fmt.Sprintf("k%d", k), func(b *testing.B) {
			for b.Loop() {
				x.TopK(k, 1, true, true)
			}
		})
	}
}

// BenchmarkCdist computes the distances between two sets of 1000 float32 points in 64 dims.
func BenchmarkCdist(b *testing.B) {
	x1, x2 := benchInput(1000, 64), tensor.Randn(tensor.NewGenerator(2), 1000, 64)
	for _, p := range []float64{2, 1, 3} {
		b.Run(fmt.Sprintf("p%g", p), func(b *testing.B) {
			for b.Loop() {
				tensor.Cdist(x1, x2, p)
			}
		})
	}
}
