package cluster

import (
	"cmp"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"

	"github.com/ember-ml/ember/tensor"
)

// matrix32 is the float32 training data (row-major [n, d]) that Lloyd's assignments read
// when X is float32, as scikit-learn computes them in X's dtype: the centred copy, or X itself
// with its column means in shift (centres are then shifted by them before products).
type matrix32 struct {
	data  []float32
	n, d  int
	shift []float64
}

// implicitCentring is the largest ratio n·‖mean‖² / ‖X − 1·meanᵀ‖²_F for which Lloyd's
// assignments of a float32 X read X itself, with the centres shifted by the means, instead of
// a centred copy: X's norm is then at most √5 times the centred data's, so the products'
// float32 rounding error grows by at most that factor (about one bit of 24).
const implicitCentring = 4

// newMatrix32 rounds x to float32.
func newMatrix32(x matrix) matrix32 {
	data := make([]float32, len(x.data))
	for i, v := range x.data {
		data[i] = float32(v)
	}
	return matrix32{data: data, n: x.n, d: x.d}
}

// lloydChunk is the number of samples assigned per block: their products with a group of 8
// centres (dots8) stay in L1.
const lloydChunk = 256

// assign32 sets each label to the nearest centre, comparing ‖c‖² − 2x·c in float32 as
// scikit-learn does for float32 data (argmin8: products of the float32 samples and centres, in
// groups of 8 centres); ties go to the lowest index. Samples are split into GOMAXPROCS
// contiguous ranges, one goroutine each.
func assign32(x matrix32, centers matrix, labels []int) {
	k, d := centers.n, x.d
	groups := (k + 7) / 8
	ct := make([]float32, groups*d*8) // group g: ct[g·8d + j·8 + c] = centre 8g+c, feature j
	cn := make([]float32, groups*8)
	for c := range groups * 8 {
		if c >= k {
			cn[c] = float32(math.Inf(1))
			continue
		}
		g, q := c/8, c%8
		s := float32(0)
		for j, v := range centers.row(c) {
			if x.shift != nil {
				v += x.shift[j]
			}
			f := float32(v)
			ct[g*8*d+j*8+q] = f
			s += f * f
		}
		cn[c] = s
	}
	workers := max(1, min(runtime.GOMAXPROCS(0), x.n/lloydChunk))
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := w*x.n/workers, (w+1)*x.n/workers
		wg.Go(func() {
			val := make([]float32, lloydChunk)
			idx := make([]int, lloydChunk)
			bestD := make([]float32, lloydChunk)
			for c0 := lo; c0 < hi; c0 += lloydChunk {
				m := min(lloydChunk, hi-c0)
				xs := x.data[c0*d : (c0+m)*d]
				lab := labels[c0 : c0+m]
				argmin8(xs, d, m, ct[:8*d], cn[:8], bestD[:m], lab)
				for g := 1; g < groups; g++ {
					argmin8(xs, d, m, ct[g*8*d:(g+1)*8*d], cn[g*8:g*8+8], val[:m], idx[:m])
					for i, v := range val[:m] {
						if v < bestD[i] {
							bestD[i], lab[i] = v, 8*g+idx[i]
						}
					}
				}
			}
		})
	}
	wg.Wait()
}

// inParts runs f(p, lo, hi) for parts contiguous ranges of [0, n) on their own goroutines.
func inParts(n, parts int, f func(p, lo, hi int)) {
	var wg sync.WaitGroup
	for p := range parts {
		wg.Go(func() { f(p, p*n/parts, (p+1)*n/parts) })
	}
	wg.Wait()
}

func (x matrix32) row(i int) []float32 { return x.data[i*x.d : (i+1)*x.d] }

// samples gives lloyd32 the float64 values of the centred samples for the centre sums and
// the inertia. The running sums may be kept in the samples' own coordinates (raw) and
// centred only when the centres are computed.
type samples interface {
	addTo(dst []float64, i int)                 // dst += sample i, raw
	subFrom(dst []float64, i int)               // dst −= sample i, raw
	move(from, to []float64, i, lo, hi int)     // features [lo, hi): from −= sample i, to += it, raw
	centre(sums matrix, counts []float64)       // raw sums of counts[c] samples → centred sums
	addCentred(dst []float64, i int, s float64) // dst += s·(centred sample i)
	sqDist(i int, c []float64) float64          // ‖centred sample i − c‖²
}

// rows64 are the rows of a float64 matrix, centred already.
type rows64 struct{ x matrix }

func (r rows64) addTo(dst []float64, i int)        { add(dst, r.x.row(i)) }
func (r rows64) subFrom(dst []float64, i int)      { subtract(dst, r.x.row(i)) }
func (r rows64) centre(matrix, []float64)          {}
func (r rows64) sqDist(i int, c []float64) float64 { return sqDist(r.x.row(i), c) }
func (r rows64) move(from, to []float64, i, lo, hi int) {
	for j, v := range r.x.row(i)[lo:hi] {
		from[lo+j] -= v
		to[lo+j] += v
	}
}

func (r rows64) addCentred(dst []float64, i int, s float64) {
	for j, v := range r.x.row(i)[:len(dst)] {
		dst[j] += s * v
	}
}

// rows32 are the rows of a row-major float32 [n, d]; centred, they are float64(x) − mean.
// Raw sums add float64(x).
type rows32 struct {
	data []float32
	mean []float64
}

func (r rows32) row(i int) []float32 { d := len(r.mean); return r.data[i*d : (i+1)*d] }

func (r rows32) addTo(dst []float64, i int) {
	for j, v := range r.row(i)[:len(dst)] {
		dst[j] += float64(v)
	}
}

func (r rows32) subFrom(dst []float64, i int) {
	for j, v := range r.row(i)[:len(dst)] {
		dst[j] -= float64(v)
	}
}

func (r rows32) move(from, to []float64, i, lo, hi int) {
	for j, v := range r.row(i)[lo:hi] {
		f := float64(v)
		from[lo+j] -= f
		to[lo+j] += f
	}
}

func (r rows32) centre(sums matrix, counts []float64) {
	for c, n := range counts {
		row := sums.row(c)
		for j, m := range r.mean {
			row[j] -= n * m
		}
	}
}

func (r rows32) addCentred(dst []float64, i int, s float64) {
	for j, v := range r.row(i)[:len(dst)] {
		dst[j] += s * (float64(v) - r.mean[j])
	}
}

func (r rows32) sqDist(i int, c []float64) float64 {
	s := 0.0
	for j, v := range r.row(i)[:len(c)] {
		t := float64(v) - r.mean[j] - c[j]
		s += t * t
	}
	return s
}

// finishCenters32 is finishCenters with the samples read through x (sums centred): empty
// clusters take
// the samples farthest from their centres (relocateEmpty's rule), then sums become means.
func finishCenters32(x samples, n int, old matrix, labels []int, sums matrix, counts []float64) (matrix, float64) {
	var empty []int
	for c, cnt := range counts {
		if cnt == 0 {
			empty = append(empty, c)
		}
	}
	if len(empty) > 0 {
		order := make([]int, n)
		dist := make([]float64, n)
		for i := range order {
			order[i] = i
			dist[i] = x.sqDist(i, old.row(labels[i]))
		}
		slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(dist[b], dist[a]) })
		for j, c := range empty {
			far := order[j]
			from := labels[far]
			x.addCentred(sums.row(from), far, -1)
			clear(sums.row(c))
			x.addCentred(sums.row(c), far, 1)
			counts[from]--
			counts[c] = 1
		}
	}
	for c := range sums.n {
		if counts[c] > 0 {
			scale(sums.row(c), 1/counts[c])
		}
	}
	shift := 0.0
	for c := range old.n {
		shift += sqDist(sums.row(c), old.row(c))
	}
	return sums, shift
}

// lloyd32 is lloyd with the assignments computed from xs, float32 samples (assign32); the
// clusters' sums, empty clusters and the inertia read the same samples in float64 through x.
// The sums are kept from one iteration to the next and updated only for the samples whose
// label changed (in sample order, so the result is deterministic); they are summed afresh when
// more than a quarter of the labels changed.
func lloyd32(x samples, xs matrix32, centers matrix, maxIter int, tol float64) *kmRun {
	k, n := centers.n, xs.n
	labels := make([]int, n)
	old := make([]int, n)
	for i := range old {
		old[i] = -1
	}
	var sums matrix
	var counts []float64
	var moved []int // samples whose label changed
	strict := false
	it := 0
	for it < maxIter {
		assign32(xs, centers, labels)
		changed := 0
		if it > 0 {
			for i, l := range labels {
				if l != old[i] {
					changed++
				}
			}
		}
		if it == 0 || changed > n/4 {
			sums, counts = newMatrix(k, xs.d), make([]float64, k)
			for i, l := range labels {
				x.addTo(sums.row(l), i)
				counts[l]++
			}
		} else if changed > 0 {
			moved = moved[:0]
			for i, l := range labels {
				if p := old[i]; l != p {
					moved = append(moved, i)
					counts[p]--
					counts[l]++
				}
			}
			// Split by features, so that every sum sees the same additions in the same
			// order whatever the number of goroutines.
			parts := max(1, min(runtime.GOMAXPROCS(0), len(moved)*xs.d/(1<<16), xs.d))
			inParts(xs.d, parts, func(_, lo, hi int) {
				for _, i := range moved {
					x.move(sums.row(old[i]), sums.row(labels[i]), i, lo, hi)
				}
			})
		}
		cs := sums.clone()
		x.centre(cs, counts)
		next, shift := finishCenters32(x, n, centers, labels, cs, slices.Clone(counts))
		centers = next
		it++
		if it > 1 && changed == 0 {
			strict = true
			break
		}
		if shift <= tol {
			break
		}
		copy(old, labels)
	}
	if !strict {
		assign32(xs, centers, labels)
	}
	in := 0.0
	for i, l := range labels {
		in += x.sqDist(i, centers.row(l))
	}
	return &kmRun{centers: centers, labels: labels, inertia: in, nIter: it}
}

// fitFloat32 is Fit for a contiguous float32 X with InitCenters and Lloyd's algorithm: X is
// validated and never converted to float64 (the means and the tolerance's variance accumulate
// in float64); the assignments read X itself when its means are small next to its spread
// (implicitCentring), else a centred float32 copy.
func (km *KMeans) fitFloat32(X *tensor.Tensor, src []float32) error {
	n, d := X.Size(0), X.Size(1)
	if n == 0 || d == 0 {
		return fmt.Errorf("kmeans: X has shape %v: need at least one sample and one feature", X.Shape())
	}
	// Column sums, then the centred copy and its sum of squares, each over GOMAXPROCS
	// contiguous row ranges combined in order.
	parts := max(1, min(runtime.GOMAXPROCS(0), n/4096))
	psum := make([][]float64, parts)
	inParts(n, parts, func(p, lo, hi int) {
		s := make([]float64, d)
		for i := lo; i < hi; i++ {
			for j, v := range src[i*d : (i+1)*d] {
				s[j] += float64(v)
			}
		}
		psum[p] = s
	})
	mean := psum[0]
	for _, s := range psum[1:] {
		add(mean, s)
	}
	for _, m := range mean { // a NaN or ±Inf anywhere makes its column's sum NaN or ±Inf
		if math.IsNaN(m) || math.IsInf(m, 0) {
			for i, v := range src {
				if f := float64(v); math.IsNaN(f) || math.IsInf(f, 0) {
					return fmt.Errorf("kmeans: X contains %g (sample %d, feature %d)", f, i/d, i%d)
				}
			}
		}
	}
	if err := km.check(n, d); err != nil {
		return err
	}
	scale(mean, 1/float64(n))
	// The sum of squares of the centred data, Σx² − n·mean² per column in float64, and
	// whether X can be read as it is (implicitCentring).
	psq := make([][]float64, parts)
	inParts(n, parts, func(p, lo, hi int) {
		q := make([]float64, d)
		for i := lo; i < hi; i++ {
			for j, v := range src[i*d : (i+1)*d] {
				q[j] += float64(v) * float64(v)
			}
		}
		psq[p] = q
	})
	v, m2 := 0.0, 0.0
	for j, m := range mean {
		q := 0.0
		for p := range parts {
			q += psq[p][j]
		}
		v += max(q-float64(n)*m*m, 0)
		m2 += m * m
	}
	xs := matrix32{data: src, n: n, d: d, shift: mean}
	if float64(n)*m2 > implicitCentring*v {
		xs = matrix32{data: make([]float32, n*d), n: n, d: d}
		inParts(n, parts, func(p, lo, hi int) {
			for i := lo; i < hi; i++ {
				row, out := src[i*d:(i+1)*d], xs.data[i*d:(i+1)*d]
				for j, m := range mean {
					out[j] = float32(float64(row[j]) - m)
				}
			}
		})
	}
	tol := km.Tol * v / float64(n) / float64(d)
	init, err := km.initCenters(d, mean)
	if err != nil {
		return err
	}
	best := lloyd32(rows32{data: src, mean: mean}, xs, init, km.MaxIter, tol)
	for i := range best.centers.n {
		add(best.centers.row(i), mean)
	}
	km.centers = best.centers
	km.ClusterCenters = best.centers.toTensor()
	km.Labels = labelTensor(best.labels)
	km.Inertia, km.NIter, km.NFeaturesIn = best.inertia, best.nIter, d
	return nil
}
