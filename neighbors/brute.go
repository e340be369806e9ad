package neighbors

import (
	"math"
	"math/bits"
	"sync/atomic"

	"github.com/ember-ml/ember/backend"
	"github.com/ember-ml/ember/backend/cpu"
)

// Euclidean brute force ranks training rows x by the score ‖x‖² − 2q·x (the squared
// distance less the query's constant ‖q‖²), computed for a block of query rows against a
// block of training rows by one matrix product of the augmented rows (−2q, 1) and
// (x, ‖x‖²): bruteGemm (query blocks × training blocks) or brutePanels (training blocks ×
// panels of 32 queries). Each product block is scanned at once, while it is in cache, into
// a bounded max-heap of candidates per query row. The candidates' distances are then recomputed
// exactly in float64; a bound on the product's rounding error proves that no other row can
// be among the k nearest, or (rarely) the query is answered by an exact scan instead.

// Block sizes of the product: a query block of gemmRows rows against gemmCols training
// rows gives a float32 score block of 1.5 MiB, scanned right after it is written; many
// query rows amortise the packing of each training block and many training rows that of
// the query block (measured best of 96…768 × 512…2048 on the 100,000 × 50 workload).
const (
	gemmRows = 384
	gemmCols = 1024
)

// extraCandidates is how many candidates beyond k each query keeps, so that the exact
// recomputation can reorder near ties of the rounded scores.
const extraCandidates = 16

// gemmTrain is the training set of euclidean brute force in the product's precision T:
// float32 when Fit saw float32 X (as scikit-learn keeps it), else float64.
type gemmTrain[T float32 | float64] struct {
	xt      []T     // query blocks: [d+1, n], column j = (x_j, ‖x_j‖²) (packed by copies)
	xa      []T     // panels: [n, d+1], row j = (x_j, ‖x_j‖²)
	n, d    int     // training rows and features
	normMax float64 // largest ‖x_j‖
}

// newGemmTrain lays x out for brutePanels (panels) or for bruteGemm.
func newGemmTrain[T float32 | float64](x matrix, panels bool) *gemmTrain[T] {
	g := &gemmTrain[T]{n: x.n, d: x.d}
	d1 := x.d + 1
	if panels {
		g.xa = make([]T, x.n*d1)
	} else {
		g.xt = make([]T, x.n*d1)
	}
	for j := range x.n {
		row := x.row(j)
		sq := dot(row, row)
		for i := range d1 {
			v := sq
			if i < x.d {
				v = row[i]
			}
			if panels {
				g.xa[j*d1+i] = T(v)
			} else {
				g.xt[i*x.n+j] = T(v)
			}
		}
		g.normMax = max(g.normMax, math.Sqrt(sq))
	}
	return g
}

// usePanels reports whether float32 brute force runs as brutePanels: where Ember's GEMM
// has its unpacked AVX-512 kernel for products 32 columns wide (single-threaded, faster
// than the packed product here), else as bruteGemm.
func usePanels() bool { return cpu.KernelName() == "avx512" }

// unitRoundoff returns T's unit roundoff: 2⁻²⁴ for float32, 2⁻⁵³ for float64.
func unitRoundoff[T float32 | float64]() float64 {
	var z T
	if _, ok := any(z).(float32); ok {
		return 0x1p-24
	}
	return 0x1p-53
}

// errBound bounds |computed score − (‖x‖² − 2q·x)| for every training row, for a query of
// norm qn: the product's error γ·Σ|terms| with Σ|terms| ≤ 2‖q‖‖x‖ + ‖x‖², the rounding of
// ‖x‖² to T, doubled for safety. It is +Inf when (‖q‖ + ‖x‖)² might overflow T (scores
// could then be infinite or NaN).
func (g *gemmTrain[T]) errBound(qn float64) float64 {
	u := unitRoundoff[T]()
	limit := 0x1p120 // well below float32's 2¹²⁸
	if u < 0x1p-30 {
		limit = 0x1p1000
	}
	if s := qn + g.normMax; !(s*s < limit) {
		return math.Inf(1)
	}
	terms := float64(g.d + 1)
	gamma := terms * u / (1 - terms*u)
	return 2 * (gamma*(2*qn*g.normMax+g.normMax*g.normMax) + 2*u*g.normMax*g.normMax)
}

// gemm computes c [m, cols] = a · xt[:, c0:c0+cols] with Ember's CPU GEMM, for a the
// column-major [m, d+1] block of augmented query rows.
func (g *gemmTrain[T]) gemm(a []T, m, c0, cols int, c []T) {
	k := g.d + 1
	aL := backend.Layout{Shape: []int{1, m, k}, Strides: []int{m * k, 1, m}}
	bL := backend.Layout{Shape: []int{1, k, cols}, Strides: []int{k * g.n, g.n, 1}, Offset: c0}
	cpu.Backend{}.MatMul(&cpu.Storage[T]{Data: c}, &cpu.Storage[T]{Data: a}, aL, &cpu.Storage[T]{Data: g.xt}, bL)
}

// panelWidth is the number of queries per panel of brutePanels; panelGroup panels share
// each pass over the training rows, which go panelRows at a time (100 KiB of training rows
// at 50 features, read from L2 by the panelGroup products, each giving a [512, 32] float32
// score block of 64 KiB). Measured: groups of 4…16 and 256…1,024 rows are within 5%.
const (
	panelWidth = 32
	panelGroup = 8
	panelRows  = 512
)

// panel is the per-query state of one panel of brutePanels.
type panel struct {
	b     []float32 // [d+1, panelWidth] row-major: column r is query lo+r's (−2q, 1)
	thr   [panelWidth]float32
	heaps [panelWidth]*kBest
	lo, w int // first query and number of queries
}

// brutePanels is bruteGemm for float32 with the roles swapped: each product multiplies
// panelRows augmented training rows (x, ‖x‖²) by one panel of 32 augmented queries
// (−2q, 1), giving scores [training rows, 32]; an AVX2 scan compares each row of scores
// with the 32 queries' thresholds at once. Groups of panelGroup panels run in parallel,
// each product on its worker's goroutine.
func brutePanels(g *gemmTrain[float32], x, q matrix, k int, dist []float64, idx []int) {
	kc := min(k+extraCandidates, g.n)
	const span = panelWidth * panelGroup
	groups := (q.n + span - 1) / span
	workers := min(cpu.Threads(), groups)
	var next atomic.Int64
	d1 := g.d + 1
	work := func() {
		c := make([]float32, panelRows*panelWidth)
		ps := make([]panel, panelGroup)
		for i := range ps {
			ps[i].b = make([]float32, d1*panelWidth)
			for r := range ps[i].heaps {
				ps[i].heaps[r] = newKBest(kc)
			}
		}
		bL := backend.Layout{Shape: []int{1, d1, panelWidth}, Strides: []int{d1 * panelWidth, panelWidth, 1}}
		for {
			grp := int(next.Add(1)) - 1
			if grp >= groups {
				return
			}
			np := 0 // panels in this group
			for np < panelGroup && grp*span+np*panelWidth < q.n {
				ps[np].load(q, grp*span+np*panelWidth, g.d)
				np++
			}
			for c0 := 0; c0 < g.n; c0 += panelRows {
				rows := min(panelRows, g.n-c0)
				aL := backend.Layout{Shape: []int{1, rows, d1}, Strides: []int{rows * d1, d1, 1}, Offset: c0 * d1}
				cb := c[:rows*panelWidth]
				for i := range np {
					p := &ps[i]
					cpu.Backend{}.MatMul(&cpu.Storage[float32]{Data: cb}, &cpu.Storage[float32]{Data: g.xa}, aL, &cpu.Storage[float32]{Data: p.b}, bL)
					scanPanel(cb, c0, &p.thr, &p.heaps)
				}
			}
			for i := range np {
				p := &ps[i]
				for r := range p.w {
					j := p.lo + r
					exactTopK(g, x, q.row(j), p.heaps[r], dist[j*k:(j+1)*k], idx[j*k:(j+1)*k])
				}
			}
		}
	}
	parallelWorkers(workers, work)
}

// load sets the panel to the queries lo, lo+1, … (up to panelWidth of them): their
// augmented rows (−2q, 1), +Inf thresholds and empty heaps. Lanes past the last query get
// zero scores and a −Inf threshold, so nothing passes.
func (p *panel) load(q matrix, lo, d int) {
	p.lo, p.w = lo, min(panelWidth, q.n-lo)
	for r := range panelWidth {
		if r >= p.w {
			for i := range d + 1 {
				p.b[i*panelWidth+r] = 0
			}
			p.thr[r] = float32(math.Inf(-1))
			continue
		}
		for i, v := range q.row(lo + r) {
			p.b[i*panelWidth+r] = float32(-2 * v)
		}
		p.b[d*panelWidth+r] = 1
		p.thr[r] = float32(math.Inf(1))
		p.heaps[r].reset()
	}
}

// scanPanel pushes every score of c (rows of panelWidth queries' scores of training rows
// c0, c0+1, …) below its query's threshold into that query's heap, updating thresholds as
// heaps fill; equal scores of later rows are rejected, as in scanScores.
func scanPanel(c []float32, c0 int, thr *[panelWidth]float32, heaps *[panelWidth]*kBest) {
	for j := 0; ; j++ {
		off, mask := firstRowBelow(c[j*panelWidth:], thr)
		j += off
		if mask == 0 {
			return
		}
		row := c[j*panelWidth : (j+1)*panelWidth]
		for mask != 0 {
			r := bits.TrailingZeros32(mask)
			mask &= mask - 1
			h := heaps[r]
			h.push(float64(row[r]), c0+j)
			if h.full() {
				thr[r] = float32(h.worst())
			}
		}
	}
}

// firstRowBelowGo is the reference loop of firstRowBelow: the first row of c (rows of
// panelWidth values) with a value below its lane's threshold, and the mask of those lanes;
// or len(c)/panelWidth and 0.
func firstRowBelowGo(c []float32, thr *[panelWidth]float32) (int, uint32) {
	for i := 0; i+panelWidth <= len(c); i += panelWidth {
		var mask uint32
		for l, v := range c[i : i+panelWidth] {
			if v < thr[l] {
				mask |= 1 << l
			}
		}
		if mask != 0 {
			return i / panelWidth, mask
		}
	}
	return len(c) / panelWidth, 0
}

// parallelWorkers runs work on n goroutines (on this one when n ≤ 1) and waits for them.
func parallelWorkers(n int, work func()) {
	if n <= 1 {
		work()
		return
	}
	done := make(chan struct{}, n)
	for range n {
		go func() { work(); done <- struct{}{} }()
	}
	for range n {
		<-done
	}
}

// bruteGemm writes the k nearest training rows of every query row (euclidean): distances
// and indices, row-major [queries·k]. x is the float64 training set.
func bruteGemm[T float32 | float64](g *gemmTrain[T], x, q matrix, k int, dist []float64, idx []int) {
	kc := min(k+extraCandidates, g.n)
	blocks := (q.n + gemmRows - 1) / gemmRows
	workers := min(cpu.Threads(), blocks)
	var next atomic.Int64
	first := firstBelowFor[T]()
	work := func() {
		d1 := g.d + 1
		a := make([]T, gemmRows*d1)
		c := make([]T, gemmRows*gemmCols)
		heaps := make([]*kBest, gemmRows)
		thr := make([]T, gemmRows)
		for r := range heaps {
			heaps[r] = newKBest(kc)
		}
		for {
			b := int(next.Add(1)) - 1
			if b >= blocks {
				return
			}
			lo := b * gemmRows
			m := min(gemmRows, q.n-lo)
			for r := range m { // a is column-major: a[i·m + r]
				qr := q.row(lo + r)
				for i, v := range qr {
					a[i*m+r] = T(-2 * v)
				}
				a[g.d*m+r] = 1
				heaps[r].reset()
				thr[r] = T(math.Inf(1))
			}
			for c0 := 0; c0 < g.n; c0 += gemmCols {
				cols := min(gemmCols, g.n-c0)
				g.gemm(a[:m*d1], m, c0, cols, c[:m*cols])
				for r := range m {
					thr[r] = scanScores(first, c[r*cols:(r+1)*cols], c0, thr[r], heaps[r])
				}
			}
			for r := range m {
				i := lo + r
				exactTopK(g, x, q.row(i), heaps[r], dist[i*k:(i+1)*k], idx[i*k:(i+1)*k])
			}
		}
	}
	parallelWorkers(workers, work)
}

// scanScores pushes the scores of training rows c0, c0+1, … below the threshold thr (the
// heap's worst score once full) into h and returns the new threshold. Equal scores of later
// rows are rejected, as the heap's (score, index) order requires. first is firstBelowFor[T].
func scanScores[T float32 | float64](first func([]T, T) int, scores []T, c0 int, thr T, h *kBest) T {
	for j := 0; ; j++ {
		j += first(scores[j:], thr)
		if j >= len(scores) {
			return thr
		}
		h.push(float64(scores[j]), c0+j)
		if h.full() {
			thr = T(h.worst())
		}
	}
}

// firstBelowFor returns the fastest firstBelow for T: the assembly firstBelow32 where
// there is one, else firstBelowGo.
func firstBelowFor[T float32 | float64]() func([]T, T) int {
	if f, ok := any(firstBelow32).(func([]T, T) int); ok {
		return f
	}
	return firstBelowGo[T]
}

// firstBelowGo returns the index of the first s[i] < thr, or len(s). It is the reference
// loop of the assembly firstBelow32.
func firstBelowGo[T float32 | float64](s []T, thr T) int {
	for i, v := range s {
		if v < thr {
			return i
		}
	}
	return len(s)
}

// exactTopK recomputes the candidates' squared distances exactly, and writes the k nearest
// (sorted, as distances) to dist and idx when the error bound proves that no training row
// outside the candidates is nearer; otherwise it answers the query by an exact scan.
func exactTopK[T float32 | float64](g *gemmTrain[T], x matrix, qi []float64, h *kBest, dist []float64, idx []int) {
	k := len(dist)
	qq := dot(qi, qi)
	bound := g.errBound(math.Sqrt(qq))
	if math.IsInf(bound, 1) || len(h.d) < k {
		exactScans.Add(1)
		exactScan(x, qi, k, dist, idx)
		return
	}
	worst := h.worst() + qq // rounded squared distance of the last candidate
	for j, t := range h.idx {
		h.d[j] = sqEuclidean(qi, x.row(t))
	}
	order := h.order()
	// A row outside the candidates has a rounded score ≥ the last candidate's, so its
	// exact squared distance is ≥ worst − bound.
	if len(h.d) < g.n && !(h.d[order[k-1]] < worst-bound) {
		exactScans.Add(1)
		exactScan(x, qi, k, dist, idx)
		return
	}
	for j := range k {
		dist[j], idx[j] = math.Sqrt(h.d[order[j]]), h.idx[order[j]]
	}
}

// exactScans counts the queries answered by exactScan (for tests).
var exactScans atomic.Int64

// exactScan finds the k nearest rows of x to qi by exact float64 distances.
func exactScan(x matrix, qi []float64, k int, dist []float64, idx []int) {
	h := newKBest(k)
	for j := range x.n {
		h.push(sqEuclidean(qi, x.row(j)), j)
	}
	finish(h, metric{name: "euclidean"}, dist, idx)
}

func sqEuclidean(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		t := a[i] - b[i]
		s += t * t
	}
	return s
}

// bruteScan finds the k nearest training rows of every query row by computing every
// distance with the metric (the non-euclidean metrics).
func bruteScan(train, q matrix, m metric, k int, dist []float64, idx []int) {
	parallelRows(q.n, 64, func(lo, hi int) {
		h := newKBest(k)
		for i := lo; i < hi; i++ {
			h.reset()
			qi := q.row(i)
			for j := range train.n {
				h.push(m.rdist(qi, train.row(j)), j)
			}
			finish(h, m, dist[i*k:(i+1)*k], idx[i*k:(i+1)*k])
		}
	})
}

// finish writes h's pairs sorted, as true distances.
func finish(h *kBest, m metric, dist []float64, idx []int) {
	h.sorted(dist, idx)
	for j := range dist {
		dist[j] = m.dist(dist[j])
	}
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}
