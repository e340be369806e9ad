package cpu

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/ember-ml/ember/backend"
)

// lenetConvs are the two convolutions of the fashion-cnn benchmark at batch 128.
var lenetConvs = []struct {
	name string
	g    backend.ConvGeometry
	outC int
	dx   bool
}{
	{"conv1", backend.ConvGeometry{N: 128, C: 1, H: 28, W: 28, KH: 5, KW: 5, SH: 1, SW: 1, PH: 2, PW: 2, DH: 1, DW: 1}, 6, false},
	{"conv2", backend.ConvGeometry{N: 128, C: 6, H: 14, W: 14, KH: 5, KW: 5, SH: 1, SW: 1, DH: 1, DW: 1}, 16, true},
}

func BenchmarkConv(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, c := range lenetConvs {
		g := c.g
		K, L := g.C*g.KH*g.KW, g.OutH()*g.OutW()
		x := &Storage[float32]{randSlice(r, g.N*g.C*g.H*g.W)}
		w := &Storage[float32]{randSlice(r, c.outC*K)}
		bias := &Storage[float32]{randSlice(r, c.outC)}
		y := &Storage[float32]{make([]float32, g.N*c.outC*L)}
		gy := &Storage[float32]{randSlice(r, g.N*c.outC*L)}
		dw := &Storage[float32]{make([]float32, c.outC*K)}
		db := &Storage[float32]{make([]float32, c.outC)}
		var dx backend.Storage
		if c.dx {
			dx = &Storage[float32]{make([]float32, g.N*g.C*g.H*g.W)}
		}
		xl := backend.ContiguousLayout([]int{g.N, g.C, g.H, g.W})
		flops := 2 * float64(g.N*c.outC*K*L)
		b.Run(fmt.Sprintf("%s/forward", c.name), func(b *testing.B) {
			for b.Loop() {
				Backend{}.Conv2d(y, x, xl, w, bias, g, c.outC, backend.ReLU)
			}
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
		b.Run(fmt.Sprintf("%s/backward", c.name), func(b *testing.B) {
			for b.Loop() {
				Backend{}.Conv2dBackward(dx, dw, db, gy, y, x, xl, w, g, c.outC, backend.ReLU)
			}
		})
	}
}

// TestConvMatchesReference checks the fused convolution (implicit kernels where they apply,
// else the chunked product) against the chunked path on the reference product, forward and
// backward, over awkward geometries.
func TestConvMatchesReference(t *testing.T) {
	saved := convK
	defer func() { convK = saved }()
	sets := append([]*convKernels{nil}, convKernelSets()...) // nil: the chunked product
	for _, set := range sets {
		convK = set
		name := "chunked"
		if set != nil {
			name = fmt.Sprintf("implicit-%d-lanes", set.lanes)
		}
		t.Run(name, checkConvSet)
	}
}

func checkConvSet(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	cases := []struct {
		g    backend.ConvGeometry
		outC int
	}{
		{backend.ConvGeometry{N: 3, C: 1, H: 28, W: 28, KH: 5, KW: 5, PH: 2, PW: 2}, 6},
		{backend.ConvGeometry{N: 5, C: 6, H: 14, W: 14, KH: 5, KW: 5}, 16},
		{backend.ConvGeometry{N: 2, C: 3, H: 9, W: 40, KH: 3, KW: 3, PH: 1, PW: 1}, 7},
		{backend.ConvGeometry{N: 4, C: 2, H: 5, W: 17, KH: 1, KW: 1}, 1},
		{backend.ConvGeometry{N: 1, C: 5, H: 7, W: 6, KH: 3, KW: 2, PH: 2, PW: 1}, 13},
		{backend.ConvGeometry{N: 3, C: 2, H: 8, W: 9, KH: 3, KW: 3, SH: 2, SW: 1, PH: 1, DW: 2}, 5},
		// Several chunks of uneven size (each image is 16·32·32 padded values) and many tiles.
		{backend.ConvGeometry{N: 5, C: 16, H: 30, W: 30, KH: 3, KW: 3, PH: 1, PW: 1}, 20},
	}
	for _, tc := range cases {
		g := tc.g
		for _, p := range []*int{&g.SH, &g.SW, &g.DH, &g.DW} {
			*p = max(*p, 1)
		}
		K, L, O := g.C*g.KH*g.KW, g.OutH()*g.OutW(), tc.outC
		// A transposed input exercises strided reads.
		xT := randSlice(r, g.N*g.C*g.H*g.W)
		xl := backend.Layout{Shape: []int{g.N, g.C, g.H, g.W}, Strides: []int{g.C * g.H * g.W, g.H * g.W, 1, g.H}}
		w := randSlice(r, O*K)
		bias := randSlice(r, O)
		gy := randSlice(r, g.N*O*L)
		for _, relu := range []bool{false, true} {
			act := backend.Identity
			if relu {
				act = backend.ReLU
			}
			name := fmt.Sprintf("%+v/o%d/relu=%v", g, O, relu)
			want := make([]float32, g.N*O*L)
			convForward(want, xT, xl, w, bias, g, O, relu, gemmRef[float32])
			got := &Storage[float32]{make([]float32, len(want))}
			Backend{}.Conv2d(got, &Storage[float32]{xT}, xl, &Storage[float32]{w}, &Storage[float32]{bias}, g, O, act)
			// Float32 sums of n terms of size ~1 differ by order up to ~n·ε: the tolerance grows
			// with the number of terms behind each value.
			closeEnough(t, name+" forward", got.Data, want, K)

			wdx, wdw, wdb := make([]float32, g.N*g.C*g.H*g.W), make([]float32, O*K), make([]float32, O)
			convBackward(wdx, wdw, wdb, gy, want, xT, xl, w, g, O, relu, gemmRef[float32])
			dx, dw, db := &Storage[float32]{make([]float32, len(wdx))}, &Storage[float32]{make([]float32, O*K)}, &Storage[float32]{make([]float32, O)}
			Backend{}.Conv2dBackward(dx, dw, db, &Storage[float32]{gy}, got, &Storage[float32]{xT}, xl, &Storage[float32]{w}, g, O, act)
			closeEnough(t, name+" dx", dx.Data, wdx, O*g.KH*g.KW)
			closeEnough(t, name+" dw", dw.Data, wdw, g.N*L)
			closeEnough(t, name+" db", db.Data, wdb, g.N*L)
		}
	}
}

// closeEnough compares float32 results that are sums of terms ones (of order 1 each).
func closeEnough(t *testing.T, what string, got, want []float32, terms int) {
	t.Helper()
	for i := range want {
		tol := 1e-4*float64(abs32(want[i])) + 2e-6*float64(terms)
		if d := float64(got[i] - want[i]); d > tol || d < -tol || got[i] != got[i] {
			t.Fatalf("%s: element %d is %v, want %v", what, i, got[i], want[i])
		}
	}
}

func abs32(v float32) float32 {
	if v < 0 {
		return -v
	}
	return v
}

// TestMaxPool2x2Vector checks the vector 2×2 pooling against the scalar loop, with ties and
// NaNs, odd sizes and rows of 1 to 33 outputs; and its backward against the scatter.
func TestMaxPool2x2Vector(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	nan := float32(math.NaN())
	for _, hw := range [][2]int{{2, 2}, {3, 3}, {4, 14}, {5, 33}, {6, 32}, {7, 34}, {4, 67}, {28, 28}} {
		g := backend.ConvGeometry{N: 2, C: 3, H: hw[0], W: hw[1], KH: 2, KW: 2, SH: 2, SW: 2, DH: 1, DW: 1}
		src := make([]float32, g.N*g.C*g.H*g.W)
		for i := range src {
			switch r.IntN(10) {
			case 0:
				src[i] = nan
			case 1, 2:
				src[i] = 1 // ties
			default:
				src[i] = float32(r.NormFloat64())
			}
		}
		n := g.N * g.C * g.OutH() * g.OutW()
		want, wantIdx := make([]float32, n), make([]int64, n)
		maxPool2x2(want, wantIdx, src, g)
		got, gotIdx := &Storage[float32]{make([]float32, n)}, &Storage[int64]{make([]int64, n)}
		Backend{}.MaxPool2d(got, gotIdx, &Storage[float32]{src}, backend.ContiguousLayout([]int{g.N, g.C, g.H, g.W}), g)
		check := func(kernel string, vals []float32, at []int64) {
			for i := range want {
				same := vals[i] == want[i] || (vals[i] != vals[i] && want[i] != want[i])
				if !same || at[i] != wantIdx[i] {
					t.Fatalf("%s %v: output %d is %v at %d, want %v at %d", kernel, hw, i, vals[i], at[i], want[i], wantIdx[i])
				}
			}
		}
		check("selected", got.Data, gotIdx.Data)
		for name, f := range extraPoolKernels() {
			vals, at := make([]float32, n), make([]int64, n)
			f(vals, at, src, planeOf(g))
			check(name, vals, at)
		}
		gy := randSlice(r, n)
		wantDx := make([]float32, len(src))
		maxPoolBackward(wantDx, gy, wantIdx, g)
		dx := &Storage[float32]{make([]float32, len(src))}
		Backend{}.MaxPool2dBackward(dx, &Storage[float32]{gy}, gotIdx, g)
		closeEnough(t, fmt.Sprint(hw, " backward"), dx.Data, wantDx, 1)
	}
}

// TestParallelForConcurrentCallers runs parallel loops from many goroutines at once and one
// after another (the pool, then fresh goroutines when it is busy), with several widths.
func TestParallelForConcurrentCallers(t *testing.T) {
	var wg sync.WaitGroup
	for c := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 300 {
				n := 1 + (c+i)%5
				var hits [5]atomic.Int32
				parallelFor(n, func(w int) { hits[w].Add(1) })
				for w := range n {
					if hits[w].Load() != 1 {
						t.Errorf("width %d: worker %d ran %d times", n, w, hits[w].Load())
						return
					}
				}
			}
		}()
	}
	wg.Wait()
}
