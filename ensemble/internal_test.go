package ensemble

import (
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
)

// TestSortKeys checks the radix and short-slice sorts of packed keys against slices.Sort
// on the values, with negatives, ±0, infinities and many ties, and that every sample is
// kept once.
func TestSortKeys(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	special := []float32{0, float32(math.Copysign(0, -1)), 1, -1, float32(math.Inf(1)), float32(math.Inf(-1)), math.MaxFloat32, -math.SmallestNonzeroFloat32}
	for _, n := range []int{1, 2, 17, radixMin - 1, radixMin, 1000, 5000} {
		for _, ties := range []bool{false, true} {
			vals := make([]float32, n)
			keys := make([]uint64, n)
			for i := range vals {
				switch {
				case r.IntN(10) == 0:
					vals[i] = special[r.IntN(len(special))]
				case ties:
					vals[i] = float32(r.IntN(5) - 2)
				default:
					vals[i] = float32(r.NormFloat64() * 1e3)
				}
				keys[i] = sortKey(vals[i], int32(i))
			}
			sortKeys(keys, make([]uint64, n))
			want := slices.Clone(vals)
			slices.Sort(want)
			seen := make([]bool, n)
			for i, k := range keys {
				s := keySample(k)
				if keyValue(k) != want[i] || vals[s] != keyValue(k) || seen[s] {
					t.Fatalf("n %d: key %d holds sample %d of value %g, want value %g", n, i, s, keyValue(k), want[i])
				}
				seen[s] = true
			}
		}
	}
	for _, v := range [][]float64{{3, -1, 0.5, 2, 0.5}, {0.1, -0.3, 7}} { // float32 values, then not
		want := slices.Clone(v)
		slices.Sort(want)
		if sortValues(v); !slices.Equal(v, want) {
			t.Errorf("sortValues: %v, want %v", v, want)
		}
	}
}

// BenchmarkHistogram builds the root histogram and one of a half node of 100,000 × 20
// uniform bins (255 bins), the inner loop of boosting.
func BenchmarkHistogram(b *testing.B) {
	const n, d = 100_000, 20
	r := rand.New(rand.NewPCG(1, 1))
	x := matrix{cols: make([]float64, n*d), n: n, d: d}
	for i := range x.cols {
		x.cols[i] = float64(r.Float32())
	}
	s := hgbDefaults()
	bm := fitBins(x, s.MaxBins, r)
	gr := newGrowerShape(s, bm, bm.transform(x), n, d)
	gr.grad, gr.hess = make([]float64, n), make([]float64, n)
	for i := range n {
		gr.grad[i], gr.hess[i] = r.Float64()-0.5, 0.25
	}
	gr.idx, gr.tmp = make([]int32, n), make([]int32, n)
	gr.og, gr.oh = make([]float64, n), make([]float64, n)
	for i := range gr.idx {
		gr.idx[i] = int32(i)
	}
	r.Shuffle(n/2, func(i, j int) { gr.idx[i+n/2], gr.idx[j+n/2] = gr.idx[j+n/2], gr.idx[i+n/2] })
	for b.Loop() {
		gr.freeHist(gr.histogram(0, n))
		gr.freeHist(gr.histogram(n/2, n))
	}
}

// TestBoostingIndependentOfThreads fits boosting on 30,000 samples (large enough for the
// parallel histograms, gathers and partitions) with GOMAXPROCS 1 and 2: the models are
// the same to the bit.
func TestBoostingIndependentOfThreads(t *testing.T) {
	const n, d = 30_000, 10
	r := rand.New(rand.NewPCG(7, 8))
	x := matrix{cols: make([]float64, n*d), n: n, d: d}
	y := make([]float64, n)
	for i := range n {
		for j := range d {
			x.cols[j*n+i] = r.NormFloat64()
		}
		if x.cols[i]+x.cols[n+i]*x.cols[2*n+i] > 0 {
			y[i] = 1
		}
	}
	s := hgbDefaults()
	s.MaxIter, s.EarlyStopping = 5, "off"
	var raws [][]float64
	for _, procs := range []int{1, 2} {
		old := runtime.GOMAXPROCS(procs)
		b, err := boost("test", s, x, y, binomialLoss{}, 1, true)
		runtime.GOMAXPROCS(old)
		if err != nil {
			t.Fatal(err)
		}
		raws = append(raws, b.raw(x))
	}
	if !slices.Equal(raws[0], raws[1]) {
		t.Error("GOMAXPROCS 1 and 2 give different models")
	}
}
