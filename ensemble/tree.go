package ensemble

import (
	"math"
	"math/rand/v2"
)

// featureThreshold is scikit-learn's FEATURE_THRESHOLD: values closer than this are equal
// for splitting, and a feature whose range in a node is within it is constant there.
const featureThreshold = 1e-7

// epsilon is float64's machine epsilon: a node of impurity ≤ epsilon is a leaf.
const epsilon = 0x1p-52

// criterion names the impurity measure of a tree.
type criterion int

const (
	gini criterion = iota
	entropy
	squaredError
)

// tree is a fitted binary tree in scikit-learn's layout: node 0 is the root, nodes are
// numbered depth first with left children first, leaves have left = right = -1, and a
// sample goes left when x[feature] ≤ threshold.
type tree struct {
	left, right []int32
	feature     []int32
	threshold   []float64
	impurity    []float64
	nSamples    []int
	weight      []float64 // weighted number of samples in each node
	value       []float64 // k values per node: class weights, or the mean target (k = 1)
	k           int
	maxDepth    int
}

func (t *tree) nodeCount() int { return len(t.left) }

// nLeaves counts the leaves.
func (t *tree) nLeaves() int {
	c := 0
	for _, l := range t.left {
		if l < 0 {
			c++
		}
	}
	return c
}

// apply returns the leaf reached by sample i of x.
func (t *tree) apply(x matrix32, i int) int {
	node := int32(0)
	for t.left[node] >= 0 {
		if float64(x.cols[int(t.feature[node])*x.n+i]) <= t.threshold[node] {
			node = t.left[node]
		} else {
			node = t.right[node]
		}
	}
	return int(node)
}

// importances returns the total weighted impurity decrease brought by each of d features,
// normalised to sum to 1 (all zeros for a single leaf).
func (t *tree) importances(d int) []float64 {
	imp := make([]float64, d)
	for node, l := range t.left {
		if l < 0 {
			continue
		}
		r := t.right[node]
		imp[t.feature[node]] += t.weight[node]*t.impurity[node] - t.weight[l]*t.impurity[l] - t.weight[r]*t.impurity[r]
	}
	total := 0.0
	for i := range imp {
		imp[i] /= t.weight[0]
		total += imp[i]
	}
	if total > 0 {
		for i := range imp {
			imp[i] /= total
		}
	}
	return imp
}

// treeParams are the stopping rules and feature sampling of one tree.
type treeParams struct {
	crit                criterion
	maxDepth            int // ≤ 0: unlimited
	minSamplesSplit     int
	minSamplesLeaf      int
	maxFeatures         int
	minImpurityDecrease float64
	nClasses            int // 0 for regression
}

// builder grows one tree depth first, as scikit-learn's DepthFirstTreeBuilder with the
// best splitter.
type builder struct {
	p      treeParams
	x      matrix32
	codes  []int     // class of each sample (classification)
	y      []float64 // target of each sample (regression)
	w      []float64 // sample weights; samples of weight 0 are left out
	rng    *rand.Rand
	t      *tree
	totalW float64

	samples   []int32
	targets   []target // weight and target of each sample, read together
	keys, buf []uint64 // sort keys of one feature in a node, and radix scratch
	feats     []int
	// scratch statistics: node, left and right class weights or (Σw, Σwy, Σwy²)
	node, left, right []float64
}

// target is a sample's weight and target (its class code for classification).
type target struct{ w, y float64 }

// split is the best split found in a node.
type split struct {
	feature           int
	threshold         float64
	pos               int // samples[start:pos] go left
	proxy             float64
	impLeft, impRight float64
}

// stackEntry is a node waiting to be built.
type stackEntry struct {
	start, end, depth int
	parent            int32
	isLeft            bool
	impurity          float64
}

// buildTree fits a tree to x and the targets (codes for classification, y for regression)
// with sample weights w (nil: all 1).
func buildTree(p treeParams, x matrix32, codes []int, y, w []float64, rng *rand.Rand) *tree {
	k := max(p.nClasses, 1)
	statLen := k
	if p.nClasses == 0 {
		statLen = 3
	}
	b := &builder{p: p, x: x, codes: codes, y: y, w: w, rng: rng, t: &tree{k: k},
		node: make([]float64, statLen), left: make([]float64, statLen), right: make([]float64, statLen),
		feats: make([]int, x.d)}
	b.targets = make([]target, x.n)
	for i := range x.n {
		if w == nil || w[i] != 0 {
			b.samples = append(b.samples, int32(i))
		}
		t := &b.targets[i]
		t.w = b.weight(int32(i))
		if p.nClasses > 0 {
			t.y = float64(codes[i])
		} else {
			t.y = y[i]
		}
	}
	b.keys = make([]uint64, len(b.samples))
	b.buf = make([]uint64, len(b.samples))
	b.stats(b.node, 0, len(b.samples))
	b.totalW = b.weightOf(b.node)
	b.grow()
	return b.t
}

func (b *builder) weight(s int32) float64 {
	if b.w == nil {
		return 1
	}
	return b.w[s]
}

// stats fills st with the statistics of samples[start:end].
func (b *builder) stats(st []float64, start, end int) {
	clear(st)
	for _, s := range b.samples[start:end] {
		b.addSample(st, s)
	}
}

// addSample adds sample s to the statistics st.
func (b *builder) addSample(st []float64, s int32) {
	w := b.weight(s)
	if b.p.nClasses > 0 {
		st[b.codes[s]] += w
		return
	}
	y := b.y[s]
	st[0] += w
	st[1] += w * y
	st[2] += w * y * y
}

// weightOf returns the total weight in statistics st.
func (b *builder) weightOf(st []float64) float64 {
	if b.p.nClasses == 0 {
		return st[0]
	}
	w := 0.0
	for _, c := range st {
		w += c
	}
	return w
}

// impurity returns the impurity of statistics st of total weight w.
func (b *builder) impurity(st []float64, w float64) float64 {
	switch b.p.crit {
	case squaredError:
		m := st[1] / w
		return st[2]/w - m*m
	case entropy:
		h := 0.0
		for _, c := range st {
			if c > 0 {
				f := c / w
				h -= f * (math.Log(f) / math.Ln2)
			}
		}
		return h
	default:
		sq := 0.0
		for _, c := range st {
			sq += c * c
		}
		return 1 - sq/(w*w)
	}
}

// proxy is a quantity that orders splits as their impurity decrease does: scikit-learn's
// proxy_impurity_improvement, computed with the same operations.
func (b *builder) proxy(wl, wr float64) float64 {
	switch b.p.crit {
	case squaredError:
		sr := b.node[1] - b.left[1]
		return b.left[1]*b.left[1]/wl + sr*sr/wr
	case gini:
		sqL, sqR := 0.0, 0.0
		for c, l := range b.left {
			r := b.node[c] - l
			sqL += l * l
			sqR += r * r
		}
		return -wr*(1-sqR/(wr*wr)) - wl*(1-sqL/(wl*wl))
	}
	for c := range b.node {
		b.right[c] = b.node[c] - b.left[c]
	}
	return -wr*b.impurity(b.right, wr) - wl*b.impurity(b.left, wl)
}

// grow builds the tree from a stack of pending nodes.
func (b *builder) grow() {
	stack := []stackEntry{{start: 0, end: len(b.samples), parent: -1, impurity: math.NaN()}}
	for len(stack) > 0 {
		e := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		b.stats(b.node, e.start, e.end)
		wNode := b.weightOf(b.node)
		if math.IsNaN(e.impurity) {
			e.impurity = b.impurity(b.node, wNode)
		}
		n := e.end - e.start
		leaf := b.p.maxDepth > 0 && e.depth >= b.p.maxDepth || n < b.p.minSamplesSplit ||
			n < 2*b.p.minSamplesLeaf || e.impurity <= epsilon
		var sp split
		if !leaf {
			sp = b.bestSplit(e.start, e.end, wNode)
			leaf = sp.pos >= e.end ||
				b.improvement(wNode, e.impurity, sp)+epsilon < b.p.minImpurityDecrease
		}
		id := b.addNode(e, wNode, n, sp, leaf)
		if leaf {
			continue
		}
		stack = append(stack,
			stackEntry{start: sp.pos, end: e.end, depth: e.depth + 1, parent: id, impurity: sp.impRight},
			stackEntry{start: e.start, end: sp.pos, depth: e.depth + 1, parent: id, isLeft: true, impurity: sp.impLeft})
	}
}

// improvement is scikit-learn's weighted impurity decrease of a split.
func (b *builder) improvement(wNode, imp float64, sp split) float64 {
	wl := b.weightOf(b.left)
	wr := wNode - wl
	return wNode / b.totalW * (imp - wr/wNode*sp.impRight - wl/wNode*sp.impLeft)
}

// addNode appends a node for e (a leaf, or split by sp) and links it to its parent.
func (b *builder) addNode(e stackEntry, w float64, n int, sp split, leaf bool) int32 {
	t := b.t
	id := int32(len(t.left))
	if e.parent >= 0 {
		if e.isLeft {
			t.left[e.parent] = id
		} else {
			t.right[e.parent] = id
		}
	}
	t.left, t.right = append(t.left, -1), append(t.right, -1)
	t.impurity, t.nSamples, t.weight = append(t.impurity, e.impurity), append(t.nSamples, n), append(t.weight, w)
	f, thr := int32(-2), -2.0 // scikit-learn's TREE_UNDEFINED for leaves
	if !leaf {
		f, thr = int32(sp.feature), sp.threshold
	}
	t.feature, t.threshold = append(t.feature, f), append(t.threshold, thr)
	if b.p.nClasses > 0 {
		t.value = append(t.value, b.node...)
	} else {
		t.value = append(t.value, b.node[1]/w)
	}
	t.maxDepth = max(t.maxDepth, e.depth)
	return id
}

// bestSplit searches up to maxFeatures randomly drawn features of samples[start:end] (of
// total weight wNode) and partitions the samples by the best split; pos == end when there is
// none. On return b.left holds the statistics of the left child.
func (b *builder) bestSplit(start, end int, wNode float64) split {
	best := split{pos: end, proxy: math.Inf(-1)}
	for i := range b.feats {
		b.feats[i] = i
	}
	visited, constants := 0, 0
	for remaining := len(b.feats); remaining > 0 && (visited < b.p.maxFeatures || visited <= constants); remaining-- {
		j := b.rng.IntN(remaining)
		f := b.feats[j]
		b.feats[j], b.feats[remaining-1] = b.feats[remaining-1], f
		visited++
		if !b.scanFeature(f, start, end, wNode, &best) {
			constants++
		}
	}
	if best.pos < end {
		b.partition(start, end, &best)
	}
	return best
}

// scanFeature sorts the node's values of feature f and updates best with the best split on
// it; it reports false when f is constant in the node.
func (b *builder) scanFeature(f, start, end int, wTotal float64, best *split) bool {
	col := b.x.col(f)
	n := end - start
	keys := b.keys[:n]
	lo, hi := float32(math.Inf(1)), float32(math.Inf(-1))
	for j, s := range b.samples[start:end] {
		v := col[s]
		keys[j] = sortKey(v, s)
		if v < lo {
			lo = v
		}
		if v > hi {
			hi = v
		}
	}
	if float64(hi) <= float64(lo)+featureThreshold {
		return false
	}
	sortKeys(keys, b.buf)
	clear(b.left)
	wl := 0.0
	minLeaf := b.p.minSamplesLeaf
	prev := float64(keyValue(keys[0]))
	binaryGini := b.p.crit == gini && len(b.node) == 2
	for p := 1; p < n; p++ {
		t := b.targets[keySample(keys[p-1])]
		if b.p.nClasses > 0 {
			b.left[int(t.y)] += t.w
		} else {
			b.left[0] += t.w
			b.left[1] += t.w * t.y
			b.left[2] += t.w * t.y * t.y
		}
		wl += t.w
		v := float64(keyValue(keys[p]))
		if v <= prev+featureThreshold || p < minLeaf || n-p < minLeaf {
			prev = v
			continue
		}
		wr := wTotal - wl
		var q float64
		if binaryGini { // proxy's arithmetic, inlined
			l0, l1 := b.left[0], b.left[1]
			r0, r1 := b.node[0]-l0, b.node[1]-l1
			q = -wr*(1-(r0*r0+r1*r1)/(wr*wr)) - wl*(1-(l0*l0+l1*l1)/(wl*wl))
		} else {
			q = b.proxy(wl, wr)
		}
		if q > best.proxy {
			thr := prev/2 + v/2
			if thr == v || math.IsInf(thr, 0) {
				thr = prev
			}
			*best = split{feature: f, threshold: thr, pos: start + p, proxy: q}
		}
		prev = v
	}
	return true
}

// partition moves the samples going left to the front of samples[start:end], sets best.pos
// and the children's impurities, and leaves the left statistics in b.left.
func (b *builder) partition(start, end int, best *split) {
	col := b.x.col(best.feature)
	ss := b.samples[start:end]
	i := 0
	for j, s := range ss {
		if float64(col[s]) <= best.threshold {
			ss[i], ss[j] = ss[j], ss[i]
			i++
		}
	}
	best.pos = start + i
	b.stats(b.left, start, best.pos)
	wl := b.weightOf(b.left)
	for c := range b.node {
		b.right[c] = b.node[c] - b.left[c]
	}
	wr := b.weightOf(b.node) - wl
	if b.p.crit == squaredError {
		b.stats(b.right, best.pos, end)
	}
	best.impLeft = b.impurity(b.left, wl)
	best.impRight = b.impurity(b.right, wr)
}
