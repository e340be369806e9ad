package neighbors

import (
	"github.com/ember-ml/ember/tensor"
)

// bruteMaxBlock bounds the distance block of one chunk of query rows (float64 values).
const bruteMaxBlock = 1 << 22

// brute finds the k nearest training rows of every query row by computing all distances,
// chunk by chunk of query rows. dist and idx are [queries·k], row-major.
func brute(train matrix, trainT *tensor.Tensor, trainSq []float64, q matrix, m metric, k int, dist []float64, idx []int) {
	chunk := max(1, min(256, bruteMaxBlock/train.n))
	parallelRows(q.n, chunk, func(lo, hi int) {
		h := newKBest(k)
		var block []float64
		if m.name == "euclidean" {
			block = gemmBlock(q, lo, hi, trainT)
		}
		for i := lo; i < hi; i++ {
			h.reset()
			qi := q.row(i)
			if block != nil {
				qsq := dot(qi, qi)
				row := block[(i-lo)*train.n : (i-lo+1)*train.n]
				for j, g := range row {
					h.push(qsq-2*g+trainSq[j], j)
				}
				for j := range h.d { // exact distances of the chosen neighbours
					h.d[j] = m.rdist(qi, train.row(h.idx[j]))
				}
			} else {
				for j := range train.n {
					h.push(m.rdist(qi, train.row(j)), j)
				}
			}
			finish(h, m, dist[i*k:(i+1)*k], idx[i*k:(i+1)*k])
		}
	})
}

// gemmBlock returns the products q[lo:hi] · trainᵀ, row-major [hi-lo, train samples].
func gemmBlock(q matrix, lo, hi int, trainT *tensor.Tensor) []float64 {
	qt := tensor.FromSlice(q.data[lo*q.d:hi*q.d], hi-lo, q.d)
	out := qt.MatMul(trainT)
	if h := out.HostFloat64(); h != nil { // a CPU result: read it in place
		return h
	}
	return out.Float64s()
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
