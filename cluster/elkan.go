package cluster

import (
	"math"
	"slices"
)

// elkan runs Elkan's algorithm from the given centres: Lloyd's iterations with
// triangle-inequality bounds (an upper bound on each sample's distance to its centre and a
// lower bound to every centre, n·k floats) that skip most distance computations.
func elkan(x, centers matrix, maxIter int, tol float64) *kmRun {
	n, k := x.n, centers.n
	labels := make([]int, n)
	old := make([]int, n)
	for i := range old {
		old[i] = -1
	}
	b := &bounds{upper: make([]float64, n), lower: make([]float64, n*k), k: k}
	half, next := halfDistances(centers)
	b.init(x, centers, half, labels)
	strict := false
	it := 0
	for it < maxIter {
		b.assign(x, centers, half, next, labels)
		newCenters, shift := updateCenters(x, centers, labels)
		b.shift(centers, newCenters, labels)
		centers = newCenters
		half, next = halfDistances(centers)
		it++
		if slices.Equal(labels, old) {
			strict = true
			break
		}
		if shift <= tol {
			break
		}
		copy(old, labels)
	}
	if !strict {
		b.assign(x, centers, half, next, labels)
	}
	return &kmRun{centers: centers, labels: labels, inertia: inertia(x, centers, labels), nIter: it}
}

// halfDistances returns half the distance between every two centres (k×k) and, for each
// centre, half the distance to its nearest other centre.
func halfDistances(c matrix) ([]float64, []float64) {
	half := make([]float64, c.n*c.n)
	next := make([]float64, c.n)
	for i := range c.n {
		next[i] = math.Inf(1)
		for j := range c.n {
			half[i*c.n+j] = math.Sqrt(sqDist(c.row(i), c.row(j))) / 2
			if j != i {
				next[i] = min(next[i], half[i*c.n+j])
			}
		}
	}
	return half, next
}

// bounds holds Elkan's per-sample upper bound and per-sample, per-centre lower bounds.
type bounds struct {
	upper, lower []float64
	k            int
}

// init assigns every sample to its nearest centre, computing only the distances the bounds
// cannot rule out.
func (b *bounds) init(x, c matrix, half []float64, labels []int) {
	k := b.k
	parallelRows(x.n, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			xi := x.row(i)
			best := 0
			d := math.Sqrt(sqDist(xi, c.row(0)))
			b.lower[i*k] = d
			for j := 1; j < k; j++ {
				if d > half[best*k+j] {
					dj := math.Sqrt(sqDist(xi, c.row(j)))
					b.lower[i*k+j] = dj
					if dj < d {
						best, d = j, dj
					}
				}
			}
			labels[i], b.upper[i] = best, d
		}
	})
}

// assign moves samples to their nearest centre, tightening the bounds as needed.
func (b *bounds) assign(x, c matrix, half, next []float64, labels []int) {
	k := b.k
	parallelRows(x.n, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			label, upper := labels[i], b.upper[i]
			if next[label] >= upper {
				continue
			}
			tight := false
			lower := b.lower[i*k : (i+1)*k]
			for j := range k {
				if j == label || upper <= lower[j] || upper <= half[label*k+j] {
					continue
				}
				if !tight {
					upper = math.Sqrt(sqDist(x.row(i), c.row(label)))
					lower[label] = upper
					tight = true
					if upper <= lower[j] || upper <= half[label*k+j] {
						continue
					}
				}
				if dj := math.Sqrt(sqDist(x.row(i), c.row(j))); dj < upper {
					lower[j] = dj
					label, upper = j, dj
				} else {
					lower[j] = dj
				}
			}
			labels[i], b.upper[i] = label, upper
		}
	})
}

// shift loosens the bounds by how far each centre moved.
func (b *bounds) shift(old, next matrix, labels []int) {
	k := b.k
	moved := make([]float64, k)
	for c := range k {
		moved[c] = math.Sqrt(sqDist(old.row(c), next.row(c)))
	}
	for i, l := range labels {
		b.upper[i] += moved[l]
		lower := b.lower[i*k : (i+1)*k]
		for j := range lower {
			lower[j] = max(lower[j]-moved[j], 0)
		}
	}
}
