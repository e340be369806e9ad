package cpu

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/ember-ml/ember/backend"
)

func randSlice(r *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(r.NormFloat64())
	}
	return s
}

// TestSgemmMatchesReference compares the fast kernel with the reference loop over odd sizes,
// transposed operands, offsets and batches, for every micro-kernel this CPU runs.
func TestSgemmMatchesReference(t *testing.T) {
	archs := []kernelArch{{name: "go", mr: 4, nr: 8, kernel: gemmKernelGo[float32]}}
	if sgemmArch.name != "go" {
		archs = append(archs, sgemmArch)
	}
	archs = append(archs, extraArchs()...)
	saved := sgemmArch
	defer func() { sgemmArch = saved }()
	r := rand.New(rand.NewPCG(1, 2))
	sizes := []int{1, 2, 7, 13, 33, 64, 100, 257}
	for _, arch := range archs {
		sgemmArch = arch
		for _, m := range sizes {
			for _, n := range sizes {
				for _, k := range []int{1, 7, 33, 300} {
					if m*n*k > 3_000_000 {
						continue
					}
					for _, ta := range []bool{false, true} {
						for _, tb := range []bool{false, true} {
							checkProduct(t, r, arch.name, m, n, k, ta, tb)
						}
					}
				}
			}
		}
	}
}

func checkProduct(t *testing.T, r *rand.Rand, name string, m, n, k int, ta, tb bool) {
	t.Helper()
	const off = 3
	a := randSlice(r, off+m*k)
	b := randSlice(r, off+k*n)
	aL := backend.Layout{Shape: []int{1, m, k}, Strides: []int{0, k, 1}, Offset: off}
	if ta { // a stored as k×m
		aL.Strides = []int{0, 1, m}
	}
	bL := backend.Layout{Shape: []int{1, k, n}, Strides: []int{0, n, 1}, Offset: off}
	if tb {
		bL.Strides = []int{0, 1, k}
	}
	want := make([]float32, m*n)
	matmulRef(want, a, aL, b, bL)
	got := make([]float32, m*n)
	Backend{}.MatMul(&Storage[float32]{got}, &Storage[float32]{a}, aL, &Storage[float32]{b}, bL)
	// The packed kernel directly (Backend.MatMul sends small products to smallMatMul).
	direct := make([]float32, m*n)
	sgemm(m, n, k, matView{a, off, aL.Strides[1], aL.Strides[2]}, matView{b, off, bL.Strides[1], bL.Strides[2]}, direct, 0, n, false)
	for i := range got {
		tol := 1e-5 * float64(k) * (1 + math.Abs(float64(want[i])))
		if math.Abs(float64(got[i]-want[i])) > tol || math.Abs(float64(direct[i]-want[i])) > tol {
			t.Fatalf("%s %dx%dx%d ta=%v tb=%v: element %d = %v (packed %v), reference %v", name, m, n, k, ta, tb, i, got[i], direct[i], want[i])
		}
	}
}

func TestSgemmThreadsAgree(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	m, n, k := 300, 200, 150
	a, b := randSlice(r, m*k), randSlice(r, k*n)
	run := func(th int) []float32 {
		SetThreads(th)
		defer SetThreads(0)
		c := make([]float32, m*n)
		sgemm(m, n, k, matView{a, 0, k, 1}, matView{b, 0, n, 1}, c, 0, n, false)
		return c
	}
	one, four := run(1), run(4)
	for i := range one {
		if one[i] != four[i] {
			t.Fatalf("1 and 4 threads differ at %d: %v vs %v", i, one[i], four[i])
		}
	}
}

func BenchmarkSgemm(b *testing.B) {
	for _, n := range []int{64, 256, 1024} {
		r := rand.New(rand.NewPCG(1, 1))
		x, y, c := randSlice(r, n*n), randSlice(r, n*n), make([]float32, n*n)
		b.Run(fmt.Sprintf("%s/n=%d", KernelName(), n), func(b *testing.B) {
			for b.Loop() {
				sgemm(n, n, n, matView{x, 0, n, 1}, matView{y, 0, n, 1}, c, 0, n, false)
			}
			b.ReportMetric(2*float64(n)*float64(n)*float64(n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// TestDgemmMatchesReference compares the float64 GEMM (the portable kernel and the one this CPU
// selects) with the reference loop over odd sizes, transposes, offsets, several k blocks and
// 1 and 2 threads.
func TestDgemmMatchesReference(t *testing.T) {
	archs := []gemmArch[float64]{{name: "go", mr: 4, nr: 8, kernel: gemmKernelGo[float64]}}
	if dgemmArch.name != "go" {
		archs = append(archs, dgemmArch)
	}
	archs = append(archs, extraDgemmArchs()...)
	saved := dgemmArch
	defer func() { dgemmArch = saved }()
	defer SetThreads(0)
	r := rand.New(rand.NewPCG(7, 8))
	f64 := func(n int) []float64 {
		s := make([]float64, n)
		for i := range s {
			s[i] = r.NormFloat64()
		}
		return s
	}
	const off = 2
	for _, arch := range archs {
		dgemmArch = arch
		for _, sz := range [][3]int{{1, 1, 1}, {7, 13, 33}, {13, 17, 300}, {33, 40, 520}, {150, 70, 31}, {257, 33, 7}} {
			m, n, k := sz[0], sz[1], sz[2]
			for _, ta := range []bool{false, true} {
				for _, tb := range []bool{false, true} {
					a, b := f64(off+m*k), f64(off+k*n)
					aL := backend.Layout{Shape: []int{1, m, k}, Strides: []int{0, k, 1}, Offset: off}
					if ta {
						aL.Strides = []int{0, 1, m}
					}
					bL := backend.Layout{Shape: []int{1, k, n}, Strides: []int{0, n, 1}, Offset: off}
					if tb {
						bL.Strides = []int{0, 1, k}
					}
					want := make([]float64, m*n)
					matmulRef(want, a, aL, b, bL)
					for _, th := range []int{1, 2} {
						SetThreads(th)
						got := make([]float64, m*n)
						dgemm(m, n, k, mat[float64]{a, off, aL.Strides[1], aL.Strides[2]}, mat[float64]{b, off, bL.Strides[1], bL.Strides[2]}, got, 0, n, false)
						for i := range got {
							if d := math.Abs(got[i] - want[i]); d > 1e-12*float64(k)*(1+math.Abs(want[i])) {
								t.Fatalf("%s %dx%dx%d ta=%v tb=%v threads=%d: element %d = %v, reference %v", arch.name, m, n, k, ta, tb, th, i, got[i], want[i])
							}
						}
					}
				}
			}
		}
	}
}

func BenchmarkDgemm(b *testing.B) {
	for _, n := range []int{64, 256, 1024} {
		r := rand.New(rand.NewPCG(1, 1))
		x, y, c := make([]float64, n*n), make([]float64, n*n), make([]float64, n*n)
		for i := range x {
			x[i], y[i] = r.NormFloat64(), r.NormFloat64()
		}
		b.Run(fmt.Sprintf("%s/n=%d", dgemmArch.name, n), func(b *testing.B) {
			for b.Loop() {
				dgemm(n, n, n, mat[float64]{x, 0, n, 1}, mat[float64]{y, 0, n, 1}, c, 0, n, false)
			}
			b.ReportMetric(2*float64(n)*float64(n)*float64(n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
