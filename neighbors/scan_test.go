package neighbors

import (
	"math"
	"testing"
)

// TestFirstBelow32 checks the assembly scan against its reference loop firstBelowGo at
// every length and hit position around its 32-value steps.
func TestFirstBelow32(t *testing.T) {
	for n := range 100 {
		s := make([]float32, n)
		for i := range s {
			s[i] = float32(i%7) + 1
		}
		for hit := -1; hit < n; hit++ {
			if hit >= 0 {
				s[hit] = -1
			}
			for _, thr := range []float32{0, 1, 1.5, 8, float32(math.Inf(1)), float32(math.Inf(-1))} {
				if got, want := firstBelow32(s, thr), firstBelowGo(s, thr); got != want {
					t.Fatalf("n %d, hit %d, thr %g: %d, want %d", n, hit, thr, got, want)
				}
			}
			if hit >= 0 {
				s[hit] = float32(hit%7) + 1
			}
		}
	}
}

// TestErrorBoundIsTight checks that the rounding-error bound of float32 brute force proves
// the neighbours of uniform random data without exact scans, and that exact ties (all rows
// equal) always fall back to them.
func TestErrorBoundIsTight(t *testing.T) {
	const n, q, d = 3000, 500, 50
	for _, equal := range []bool{false, true} {
		x := matrix{data: make([]float64, n*d), n: n, d: d}
		qm := matrix{data: make([]float64, q*d), n: q, d: d}
		seed := uint64(7)
		for _, m := range []matrix{x, qm} {
			for i := range m.data {
				seed = seed*6364136223846793005 + 1442695040888963407
				if !equal {
					m.data[i] = float64(float32(float64(seed>>11) / (1 << 53)))
				}
			}
		}
		ix, err := defaultParams().build("test", x, true)
		if err != nil || ix.g32 == nil {
			t.Fatalf("build: %v (brute float32: %v)", err, ix != nil && ix.g32 != nil)
		}
		exactScans.Store(0)
		ix.query(qm, 5)
		if got, want := exactScans.Load(), map[bool]int64{false: 0, true: q}[equal]; got != want {
			t.Errorf("all rows equal %v: %d exact scans, want %d", equal, got, want)
		}
	}
}

// TestFirstRowBelow checks the assembly row scan against its reference loop.
func TestFirstRowBelow(t *testing.T) {
	var thr [panelWidth]float32
	for l := range thr {
		thr[l] = float32(l % 5)
	}
	for rows := range 6 {
		c := make([]float32, rows*panelWidth)
		for i := range c {
			c[i] = 10
		}
		for hit := -1; hit < len(c); hit++ {
			if hit >= 0 {
				c[hit] = float32(hit%3) - 1 // below some lanes' thresholds only
			}
			r1, m1 := firstRowBelow(c, &thr)
			r2, m2 := firstRowBelowGo(c, &thr)
			if r1 != r2 || m1 != m2 {
				t.Fatalf("rows %d, hit %d: (%d, %#x), want (%d, %#x)", rows, hit, r1, m1, r2, m2)
			}
			if hit >= 0 {
				c[hit] = 10
			}
		}
	}
}

// TestBruteLayoutsAgree checks that float32 brute force by query blocks (packed GEMM, used
// where the AVX-512 kernel is missing) and by panels give the exact scan's neighbours, over
// several blocks, panels and groups, with a partial last panel.
func TestBruteLayoutsAgree(t *testing.T) {
	const n, q, d, k = 2100, 555, 12, 6
	x := matrix{data: make([]float64, n*d), n: n, d: d}
	qm := matrix{data: make([]float64, q*d), n: q, d: d}
	seed := uint64(11)
	for _, m := range []matrix{x, qm} {
		for i := range m.data {
			seed = seed*6364136223846793005 + 1442695040888963407
			m.data[i] = float64(float32(float64(seed>>11) / (1 << 53)))
		}
	}
	want := make([]int, q*k)
	wantD := make([]float64, q*k)
	for i := range q {
		exactScan(x, qm.row(i), k, wantD[i*k:(i+1)*k], want[i*k:(i+1)*k])
	}
	for _, panels := range []bool{false, true} {
		g := newGemmTrain[float32](x, panels)
		dist, idx := make([]float64, q*k), make([]int, q*k)
		if panels {
			brutePanels(g, x, qm, k, dist, idx)
		} else {
			bruteGemm(g, x, qm, k, dist, idx)
		}
		for i := range idx {
			if idx[i] != want[i] || dist[i] != wantD[i] {
				t.Fatalf("panels %v: neighbour %d: %d at %g, want %d at %g", panels, i, idx[i], dist[i], want[i], wantD[i])
			}
		}
	}
}
