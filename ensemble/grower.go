package ensemble

import (
	"container/heap"
	"math"
	"runtime"
	"sync"
)

// minHessianToSplit is scikit-learn's fixed min_hessian_to_split.
const minHessianToSplit = 1e-3

// histStride is the number of bins reserved per feature in a histogram: every uint8 bin
// (missing included) indexes it without bounds checks.
const histStride = 256

// hbin is one histogram bin: sums of gradients and hessians and the sample count.
type hbin struct {
	g, h float64
	c    int
}

// growerParams are the rules of one boosted tree.
type growerParams struct {
	maxLeafNodes   int // ≤ 0: unlimited
	maxDepth       int // ≤ 0: unlimited
	minSamplesLeaf int
	l2             float64
	shrinkage      float64
}

// hsplit is the best split of a node: samples with bin ≤ bin go left, and missing values
// go left when missingLeft.
type hsplit struct {
	feature     int
	bin         int
	gain        float64
	missingLeft bool
	gl, hl      float64
	nl          int
}

// gnode is a node being grown; its samples are idx[start:end] of the grower.
type gnode struct {
	start, end  int
	g, h        float64
	depth       int
	value       float64
	hist        []hbin
	split       hsplit
	leaf        bool
	left, right int
}

// grower builds one tree on binned data by best-first growth, as scikit-learn's TreeGrower:
// the splittable leaf of largest gain is split next, the smaller child's histogram is built
// from its samples and the larger one's by subtraction from the parent's.
type grower struct {
	p          growerParams
	bins       []uint8 // feature-major binned X
	n, d       int
	nBins      int // bins per histogram, the missing bin included
	nonMissing []int
	hasMissing []bool
	grad, hess []float64
	idx        []int32
	tmp        []int32
	og, oh     []float64 // the gradients and hessians of a node's samples, in order
	free       [][]hbin  // histograms to reuse
	nodes      []gnode
	queue      gainQueue
	nLeaves    int
}

// gainQueue is a max-heap of node indices by split gain.
type gainQueue struct {
	ids   []int
	nodes *[]gnode
}

func (q gainQueue) Len() int { return len(q.ids) }
func (q gainQueue) Less(i, j int) bool {
	return (*q.nodes)[q.ids[i]].split.gain > (*q.nodes)[q.ids[j]].split.gain
}
func (q gainQueue) Swap(i, j int) { q.ids[i], q.ids[j] = q.ids[j], q.ids[i] }
func (q *gainQueue) Push(x any)   { q.ids = append(q.ids, x.(int)) }
func (q *gainQueue) Pop() any {
	x := q.ids[len(q.ids)-1]
	q.ids = q.ids[:len(q.ids)-1]
	return x
}

// grow builds the tree and returns its nodes; leaf values include the shrinkage.
func (gr *grower) grow() []gnode {
	if len(gr.idx) != gr.n {
		gr.idx, gr.tmp = make([]int32, gr.n), make([]int32, gr.n)
		gr.og, gr.oh = make([]float64, gr.n), make([]float64, gr.n)
	}
	for i := range gr.idx {
		gr.idx[i] = int32(i)
	}
	g, h := 0.0, 0.0
	for i := range gr.n {
		g += gr.grad[i]
		h += gr.hess[i]
	}
	gr.nodes = []gnode{{end: gr.n, g: g, h: h, leaf: true, left: -1, right: -1}}
	gr.queue = gainQueue{nodes: &gr.nodes}
	gr.nLeaves = 1
	if gr.n >= 2*gr.p.minSamplesLeaf && h >= minHessianToSplit {
		gr.nodes[0].hist = gr.histogram(0, gr.n)
		gr.findSplitAndPush(0)
	}
	for gr.queue.Len() > 0 {
		gr.splitNext(heap.Pop(&gr.queue).(int))
	}
	for i := range gr.nodes {
		gr.freeHist(gr.nodes[i].hist)
		gr.nodes[i].hist = nil
		if gr.nodes[i].leaf {
			gr.nodes[i].value *= gr.p.shrinkage
		}
	}
	return gr.nodes
}

// findSplitAndPush finds node id's best split and queues it when its gain is positive.
func (gr *grower) findSplitAndPush(id int) {
	nd := &gr.nodes[id]
	nd.split = gr.bestSplit(nd)
	if nd.split.gain > 0 {
		heap.Push(&gr.queue, id)
	}
}

// splitNext splits node id into two leaves and queues the children that can be split.
func (gr *grower) splitNext(id int) {
	nd := gr.nodes[id]
	sp := nd.split
	mid := gr.partition(nd.start, nd.end, sp)
	gr.nLeaves++
	l2 := gr.p.l2
	left := gnode{start: nd.start, end: mid, g: sp.gl, h: sp.hl, depth: nd.depth + 1, leaf: true,
		value: -sp.gl / (sp.hl + l2), left: -1, right: -1}
	right := gnode{start: mid, end: nd.end, g: nd.g - sp.gl, h: nd.h - sp.hl, depth: nd.depth + 1, leaf: true,
		value: -(nd.g - sp.gl) / (nd.h - sp.hl + l2), left: -1, right: -1}
	if !gr.hasMissing[sp.feature] {
		// missing values met only at prediction go to the child with more samples
		sp.missingLeft = mid-nd.start > nd.end-mid
	}
	li, ri := len(gr.nodes), len(gr.nodes)+1
	gr.nodes = append(gr.nodes, left, right)
	parent := &gr.nodes[id]
	parent.leaf, parent.left, parent.right, parent.split = false, li, ri, sp
	if gr.p.maxLeafNodes > 0 && gr.nLeaves >= gr.p.maxLeafNodes {
		gr.queue.ids = gr.queue.ids[:0]
		return
	}
	if gr.p.maxDepth > 0 && nd.depth+1 >= gr.p.maxDepth {
		return
	}
	splitL := left.end-left.start >= 2*gr.p.minSamplesLeaf
	splitR := right.end-right.start >= 2*gr.p.minSamplesLeaf
	if !splitL && !splitR {
		return
	}
	small, large := li, ri
	if left.end-left.start >= right.end-right.start {
		small, large = ri, li
	}
	sn := &gr.nodes[small]
	sn.hist = gr.histogram(sn.start, sn.end)
	// the parent's histogram becomes the larger child's: parent − smaller child
	largeHist := parent.hist
	for i, s := range sn.hist {
		b := &largeHist[i]
		b.g, b.h, b.c = b.g-s.g, b.h-s.h, b.c-s.c
	}
	gr.nodes[large].hist = largeHist
	gr.nodes[id].hist = nil
	if splitL {
		gr.findSplitAndPush(li)
	}
	if splitR {
		gr.findSplitAndPush(ri)
	}
}

// partition stably moves the samples of idx[start:end] going left by sp to the front and
// returns the first right position; large nodes are split in parts partitioned at once.
func (gr *grower) partition(start, end int, sp hsplit) int {
	col := gr.bins[sp.feature*gr.n : (sp.feature+1)*gr.n]
	missing := uint8(gr.nBins - 1)
	// each part [lo, hi) writes its left samples forward from tmp[lo] and its right ones
	// backward from tmp[hi−1]
	part := func(lo, hi int) int {
		l, r := lo, hi
		for _, s := range gr.idx[lo:hi] {
			b := col[s]
			if b == missing && sp.missingLeft || b != missing && int(b) <= sp.bin {
				gr.tmp[l] = s
				l++
			} else {
				r--
				gr.tmp[r] = s
			}
		}
		return l - lo
	}
	parts := 1
	if w := runtime.GOMAXPROCS(0); w > 1 && end-start >= minParallelWork/10 {
		parts = w
	}
	bounds := make([]int, parts+1)
	nLeft := make([]int, parts)
	for i := range bounds {
		bounds[i] = start + (end-start)*i/parts
	}
	if parts == 1 {
		nLeft[0] = part(start, end)
	} else {
		var wg sync.WaitGroup
		for i := range parts {
			wg.Go(func() { nLeft[i] = part(bounds[i], bounds[i+1]) })
		}
		wg.Wait()
	}
	// the left samples of each part in turn, then the right ones, restored to their order
	mid := start
	for i := range parts {
		mid += copy(gr.idx[mid:], gr.tmp[bounds[i]:bounds[i]+nLeft[i]])
	}
	pos := mid
	for i := range parts {
		for j := bounds[i+1] - 1; j >= bounds[i]+nLeft[i]; j-- {
			gr.idx[pos] = gr.tmp[j]
			pos++
		}
	}
	return mid
}

// minParallelWork is the work (bin updates, samples) from which a loop is spread over
// goroutines: below it, waking another thread costs about what it saves.
const minParallelWork = 200_000

// parallelFeatures calls f(j) for every feature, on several goroutines when the work is
// large.
func parallelFeatures(d, work int, f func(j int)) {
	workers := min(runtime.GOMAXPROCS(0), d)
	if workers <= 1 || work < minParallelWork {
		for j := range d {
			f(j)
		}
		return
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	next := 0
	for range workers {
		wg.Go(func() {
			for {
				mu.Lock()
				j := next
				next++
				mu.Unlock()
				if j >= d {
					return
				}
				f(j)
			}
		})
	}
	wg.Wait()
}

// parallelRows calls f on consecutive parts of [0, n), one per GOMAXPROCS goroutine when n
// is large.
func parallelRows(n int, f func(lo, hi int)) {
	w := runtime.GOMAXPROCS(0)
	if w <= 1 || n < minParallelWork/10 {
		f(0, n)
		return
	}
	var wg sync.WaitGroup
	for i := range w {
		lo, hi := n*i/w, n*(i+1)/w
		wg.Go(func() { f(lo, hi) })
	}
	wg.Wait()
}

// histogram builds the histograms of all features over idx[start:end]. The node's gradients
// and hessians are first gathered in sample order (scikit-learn's ordered_gradients), so
// that only the bins are read at random.
func (gr *grower) histogram(start, end int) []hbin {
	hist := gr.newHist()
	samples := gr.idx[start:end]
	n := end - start
	grad, hess := gr.grad, gr.hess
	root := n == gr.n
	if !root {
		grad, hess = gr.og[:n], gr.oh[:n]
		parallelRows(n, func(lo, hi int) {
			for j := lo; j < hi; j++ {
				s := samples[j]
				grad[j], hess[j] = gr.grad[s], gr.hess[s]
			}
		})
	}
	// features go in pairs: each sample's gradient and hessian are loaded once for two
	// histograms, whose independent updates overlap
	pairs := (gr.d + 1) / 2
	parallelFeatures(pairs, n*gr.d, func(p int) {
		f0, f1 := 2*p, min(2*p+1, gr.d-1)
		col0, col1 := gr.bins[f0*gr.n:(f0+1)*gr.n], gr.bins[f1*gr.n:(f1+1)*gr.n]
		h0 := (*[histStride]hbin)(hist[f0*histStride : (f0+1)*histStride])
		h1 := (*[histStride]hbin)(hist[f1*histStride : (f1+1)*histStride])
		if f0 == f1 { // an odd feature count leaves one alone
			h1 = new([histStride]hbin)
		}
		if root { // idx is the identity at the root
			grad, hess, col1 := grad[:len(col0)], hess[:len(col0)], col1[:len(col0)]
			for i, b := range col0 {
				g, hs := grad[i], hess[i]
				a, c := &h0[b], &h1[col1[i]]
				a.g += g
				a.h += hs
				a.c++
				c.g += g
				c.h += hs
				c.c++
			}
			return
		}
		grad, hess := grad[:len(samples)], hess[:len(samples)]
		for j, s := range samples {
			g, hs := grad[j], hess[j]
			a, c := &h0[col0[s]], &h1[col1[s]]
			a.g += g
			a.h += hs
			a.c++
			c.g += g
			c.h += hs
			c.c++
		}
	})
	return hist
}

// newHist returns a zeroed histogram, reusing one released by freeHist.
func (gr *grower) newHist() []hbin {
	if k := len(gr.free); k > 0 {
		h := gr.free[k-1]
		gr.free = gr.free[:k-1]
		clear(h)
		return h
	}
	return make([]hbin, gr.d*histStride)
}

// freeHist keeps h for reuse.
func (gr *grower) freeHist(h []hbin) {
	if h != nil {
		gr.free = append(gr.free, h)
	}
}

// bestSplit returns the split of largest gain over all features (the first on ties); its
// gain is −1 when no split satisfies MinSamplesLeaf and the hessian minimum.
func (gr *grower) bestSplit(nd *gnode) hsplit {
	splits := make([]hsplit, gr.d)
	parallelFeatures(gr.d, gr.d*gr.nBins*8, func(f int) {
		splits[f] = gr.featureSplit(nd, f)
	})
	best := hsplit{gain: -1}
	for _, s := range splits {
		if s.gain > best.gain {
			best = s
		}
	}
	return best
}

// gain is the loss reduction of splitting (g, h) into left (gl, hl) and the rest.
func (gr *grower) gain(gl, hl, g, h float64) float64 {
	gr2, hr := g-gl, h-hl
	l2 := gr.p.l2
	return gl*gl/(hl+l2) + gr2*gr2/(hr+l2) - g*g/(h+l2)
}

// featureSplit scans feature f's histogram: left to right with missing values going right,
// then, when f has missing values, right to left with them going left.
func (gr *grower) featureSplit(nd *gnode, f int) hsplit {
	hist := nd.hist[f*histStride : f*histStride+gr.nBins]
	best := hsplit{gain: -1, feature: f}
	n := nd.end - nd.start
	minLeaf := gr.p.minSamplesLeaf
	nonMissing := gr.nonMissing[f]
	end := nonMissing - 1
	if gr.hasMissing[f] {
		end++
	}
	gl, hl, nl := 0.0, 0.0, 0
	for b := range end {
		gl, hl, nl = gl+hist[b].g, hl+hist[b].h, nl+hist[b].c
		if nl < minLeaf || hl < minHessianToSplit {
			continue
		}
		if n-nl < minLeaf || nd.h-hl < minHessianToSplit {
			break
		}
		if g := gr.gain(gl, hl, nd.g, nd.h); g > best.gain && g > 0 {
			best = hsplit{feature: f, bin: b, gain: g, gl: gl, hl: hl, nl: nl}
		}
	}
	if !gr.hasMissing[f] {
		return best
	}
	gr2, hr, nr := 0.0, 0.0, 0
	for b := nonMissing - 2; b >= 0; b-- {
		gr2, hr, nr = gr2+hist[b+1].g, hr+hist[b+1].h, nr+hist[b+1].c
		if nr < minLeaf || hr < minHessianToSplit {
			continue
		}
		if n-nr < minLeaf || nd.h-hr < minHessianToSplit {
			break
		}
		gl, hl := nd.g-gr2, nd.h-hr
		if g := gr.gain(gl, hl, nd.g, nd.h); g > best.gain && g > 0 {
			best = hsplit{feature: f, bin: b, gain: g, missingLeft: true, gl: gl, hl: hl, nl: n - nr}
		}
	}
	return best
}

// htree is a fitted boosted tree: nodes split on raw thresholds (x ≤ threshold goes left;
// NaN goes left when missingLeft) and on bins for the binned validation data.
type htree struct {
	feature     []int32
	threshold   []float64
	bin         []uint8
	missingLeft []bool
	left, right []int32 // −1 for leaves
	value       []float64
}

// newHTree converts grown nodes into a predictor; a split on the last non-missing bin sends
// every non-missing value left (threshold +Inf).
func newHTree(nodes []gnode, bm binMapper) *htree {
	t := &htree{}
	for _, nd := range nodes {
		f, thr := int32(-1), 0.0
		if !nd.leaf {
			f = int32(nd.split.feature)
			if nd.split.bin == bm.nBinsNonMissing(int(f))-1 {
				thr = math.Inf(1)
			} else {
				thr = bm.thresholds[f][nd.split.bin]
			}
		}
		t.feature = append(t.feature, f)
		t.threshold = append(t.threshold, thr)
		t.bin = append(t.bin, uint8(nd.split.bin))
		t.missingLeft = append(t.missingLeft, nd.split.missingLeft)
		t.left = append(t.left, int32(nd.left))
		t.right = append(t.right, int32(nd.right))
		t.value = append(t.value, nd.value)
	}
	return t
}

// predict returns the leaf value for sample i of x.
func (t *htree) predict(x matrix, i int) float64 {
	node := int32(0)
	for t.left[node] >= 0 {
		v := x.cols[int(t.feature[node])*x.n+i]
		if math.IsNaN(v) && t.missingLeft[node] || v <= t.threshold[node] {
			node = t.left[node]
		} else {
			node = t.right[node]
		}
	}
	return t.value[node]
}

// predictBinned returns the leaf value for sample i of feature-major bins (n samples).
func (t *htree) predictBinned(bins []uint8, n, i int, missing uint8) float64 {
	node := int32(0)
	for t.left[node] >= 0 {
		b := bins[int(t.feature[node])*n+i]
		if b == missing && t.missingLeft[node] || b != missing && b <= t.bin[node] {
			node = t.left[node]
		} else {
			node = t.right[node]
		}
	}
	return t.value[node]
}

// leafValues returns, for each training sample, the value of the leaf it ended in.
func (gr *grower) leafValues(nodes []gnode, out []float64) {
	for _, nd := range nodes {
		if nd.leaf {
			for _, s := range gr.idx[nd.start:nd.end] {
				out[s] += nd.value
			}
		}
	}
}
