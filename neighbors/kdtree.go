package neighbors

import (
	"cmp"
	"slices"
)

// kdTree answers k-nearest-neighbour queries over the rows of a matrix: each node holds
// the bounding box of its points and splits them at the median of its widest coordinate
// until at most leafSize points remain.
type kdTree struct {
	x        matrix
	idx      []int // row indices; every node owns idx[lo:hi]
	nodes    []kdNode
	leafSize int
}

type kdNode struct {
	lo, hi      int
	left, right int // child nodes, -1 for a leaf
	min, max    []float64
}

func newKDTree(x matrix, leafSize int) *kdTree {
	t := &kdTree{x: x, idx: make([]int, x.n), leafSize: leafSize}
	for i := range t.idx {
		t.idx[i] = i
	}
	t.build(0, x.n)
	return t
}

// build adds the node of idx[lo:hi] and its subtree, returning the node's index.
func (t *kdTree) build(lo, hi int) int {
	d := t.x.d
	nd := kdNode{lo: lo, hi: hi, left: -1, right: -1, min: make([]float64, d), max: make([]float64, d)}
	copy(nd.min, t.x.row(t.idx[lo]))
	copy(nd.max, t.x.row(t.idx[lo]))
	for _, i := range t.idx[lo+1 : hi] {
		for j, v := range t.x.row(i) {
			nd.min[j] = min(nd.min[j], v)
			nd.max[j] = max(nd.max[j], v)
		}
	}
	id := len(t.nodes)
	t.nodes = append(t.nodes, nd)
	if hi-lo <= t.leafSize {
		return id
	}
	dim := 0
	for j := range d {
		if nd.max[j]-nd.min[j] > nd.max[dim]-nd.min[dim] {
			dim = j
		}
	}
	if nd.max[dim] == nd.min[dim] { // all points equal: keep as one leaf
		return id
	}
	slices.SortFunc(t.idx[lo:hi], func(a, b int) int {
		return cmp.Compare(t.x.data[a*d+dim], t.x.data[b*d+dim])
	})
	mid := (lo + hi) / 2
	left := t.build(lo, mid)
	right := t.build(mid, hi)
	t.nodes[id].left, t.nodes[id].right = left, right
	return id
}

// boxDist returns the reduced distance from q to the node's bounding box.
func (nd *kdNode) boxDist(q []float64, m metric) float64 {
	s := 0.0
	for j, v := range q {
		if v < nd.min[j] {
			s += m.coord(nd.min[j] - v)
		} else if v > nd.max[j] {
			s += m.coord(v - nd.max[j])
		}
	}
	return s
}

// query fills h with the k nearest rows to q (reduced distances). A node is skipped only
// when its box is strictly farther than the current k-th neighbour, so ties resolve by
// index exactly as brute force does.
func (t *kdTree) query(q []float64, m metric, h *kBest) {
	t.visit(0, q, m, h)
}

func (t *kdTree) visit(id int, q []float64, m metric, h *kBest) {
	nd := &t.nodes[id]
	if h.full() && nd.boxDist(q, m) > h.worst() {
		return
	}
	if nd.left < 0 {
		for _, i := range t.idx[nd.lo:nd.hi] {
			h.push(m.rdist(q, t.x.row(i)), i)
		}
		return
	}
	first, second := nd.left, nd.right
	if t.nodes[second].boxDist(q, m) < t.nodes[first].boxDist(q, m) {
		first, second = second, first
	}
	t.visit(first, q, m, h)
	t.visit(second, q, m, h)
}
