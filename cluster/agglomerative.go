package cluster

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/ember-ml/ember/tensor"
)

// AgglomerativeClustering is scikit-learn's AgglomerativeClustering with the euclidean
// metric and no connectivity constraint: starting from one cluster per sample, it merges
// the two closest clusters until NClusters remain. Linkage sets the distance between
// clusters: "ward" (default; the merge that least increases the within-cluster variance),
// "complete" (farthest members), "average" (mean distance) or "single" (closest members).
// The whole merge tree is built (SciPy's nearest-neighbour chain, the algorithm behind
// scikit-learn's results), so Children and Distances describe every merge. Labels equal
// scikit-learn's up to a renaming: here clusters are numbered by their first sample.
//
// It needs the condensed distance matrix: 4·samples² bytes (1.6 GB for 20,000 samples) and
// O(samples²) time. Fit refuses more than MaxSamples samples with an error.
type AgglomerativeClustering struct {
	NClusters  int    // number of clusters (default 2; 1 to the number of samples)
	Linkage    string // "ward" (default), "complete", "average" or "single"
	MaxSamples int    // memory budget in samples (default 20,000)

	Labels   *tensor.Tensor // cluster of each sample, int64 [samples]
	NLeaves  int            // number of samples
	Children [][2]int       // merge i joined nodes Children[i]; node ≥ NLeaves is merge node−NLeaves
	// Distances[i] is the linkage distance of merge i (ward: √(2·increase in the summed
	// squared deviations), SciPy's convention); non-decreasing.
	Distances []float64
}

// NewAgglomerativeClustering returns an AgglomerativeClustering with scikit-learn's
// defaults and k clusters.
func NewAgglomerativeClustering(nClusters int) *AgglomerativeClustering {
	return &AgglomerativeClustering{NClusters: nClusters, Linkage: "ward", MaxSamples: 20000}
}

// linkageUpdate returns the distance from cluster k (size nk) to the union of clusters x
// and y (sizes nx, ny) given dxk, dyk and dxy (Lance–Williams).
type linkageUpdate func(dxk, dyk, dxy, nx, ny, nk float64) float64

var linkages = map[string]linkageUpdate{
	"ward": func(dxk, dyk, dxy, nx, ny, nk float64) float64 {
		t := 1 / (nx + ny + nk)
		return math.Sqrt((nx+nk)*t*dxk*dxk + (ny+nk)*t*dyk*dyk - nk*t*dxy*dxy)
	},
	"complete": func(dxk, dyk, _, _, _, _ float64) float64 { return max(dxk, dyk) },
	"average":  func(dxk, dyk, _, nx, ny, _ float64) float64 { return (nx*dxk + ny*dyk) / (nx + ny) },
	"single":   func(dxk, dyk, _, _, _, _ float64) float64 { return min(dxk, dyk) },
}

// Fit clusters X [samples, features].
func (a *AgglomerativeClustering) Fit(X *tensor.Tensor) error {
	update, ok := linkages[a.Linkage]
	if !ok {
		return fmt.Errorf("agglomerative: Linkage must be \"ward\", \"complete\", \"average\" or \"single\", got %q", a.Linkage)
	}
	x, err := readX("agglomerative", X)
	if err != nil {
		return err
	}
	switch {
	case x.n < 2:
		return fmt.Errorf("agglomerative: need at least 2 samples, got %d", x.n)
	case x.n > a.MaxSamples:
		return fmt.Errorf("agglomerative: %d samples need %.1f GB for the distance matrix, above MaxSamples=%d; raise MaxSamples or subsample",
			x.n, 4*float64(x.n)*float64(x.n)/1e9, a.MaxSamples)
	case a.NClusters < 1 || a.NClusters > x.n:
		return fmt.Errorf("agglomerative: NClusters must be between 1 and the %d samples, got %d", x.n, a.NClusters)
	}
	merges := nnChain(condensed(x), x.n, update)
	slices.SortStableFunc(merges, func(p, q merge) int { return cmp.Compare(p.dist, q.dist) })
	a.NLeaves = x.n
	a.Children, a.Distances = tree(merges, x.n)
	a.Labels = labelTensor(cut(merges, x.n, a.NClusters))
	return nil
}

// condensed returns the pairwise euclidean distances, pair (i<j) at index of(i, j).
func condensed(x matrix) []float64 {
	n := x.n
	d := make([]float64, n*(n-1)/2)
	parallelRows(n, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			base := condensedIndex(n, i, i+1)
			for j := i + 1; j < n; j++ {
				d[base+j-i-1] = math.Sqrt(sqDist(x.row(i), x.row(j)))
			}
		}
	})
	return d
}

func condensedIndex(n, i, j int) int {
	if i > j {
		i, j = j, i
	}
	return n*i - i*(i+1)/2 + j - i - 1
}

// merge joins the clusters represented by samples x < y at distance dist.
type merge struct {
	x, y int
	dist float64
}

// nnChain runs the nearest-neighbour chain algorithm on the condensed distances d (which it
// overwrites): a merge is made whenever the chain's last two clusters are each other's
// nearest neighbours. A merged cluster is represented by the larger of its two samples.
func nnChain(d []float64, n int, update linkageUpdate) []merge {
	size := make([]float64, n)
	for i := range size {
		size[i] = 1
	}
	merges := make([]merge, 0, n-1)
	chain := make([]int, 0, n)
	for range n - 1 {
		if len(chain) == 0 {
			chain = append(chain, slices.IndexFunc(size, func(s float64) bool { return s > 0 }))
		}
		var x, y int
		var best float64
		for {
			x = chain[len(chain)-1]
			best, y = math.Inf(1), -1
			if len(chain) > 1 {
				y = chain[len(chain)-2]
				best = d[condensedIndex(n, x, y)]
			}
			if i, v := nearest(d, n, x, size, best); i >= 0 {
				best, y = v, i
			}
			if len(chain) > 1 && y == chain[len(chain)-2] {
				break
			}
			chain = append(chain, y)
		}
		chain = chain[:len(chain)-2]
		x, y = min(x, y), max(x, y)
		merges = append(merges, merge{x, y, best})
		nx, ny := size[x], size[y]
		size[x], size[y] = 0, nx+ny
		for i := range n {
			if size[i] == 0 || i == y {
				continue
			}
			ix, iy := condensedIndex(n, i, x), condensedIndex(n, i, y)
			d[iy] = update(d[ix], d[iy], best, nx, ny, size[i])
		}
	}
	return merges
}

// nearest returns the active cluster i ≠ x with the lowest index among those with
// d(x, i) < best, and that distance; i is −1 when there is none.
func nearest(d []float64, n, x int, size []float64, best float64) (int, float64) {
	arg := -1
	idx := x - 1 // condensed index of (0, x), advanced row by row
	for i := range x {
		if size[i] != 0 && d[idx] < best {
			arg, best = i, d[idx]
		}
		idx += n - i - 2
	}
	if x+1 < n {
		row := d[condensedIndex(n, x, x+1) : condensedIndex(n, x, n-1)+1]
		for j, v := range row {
			if i := x + 1 + j; size[i] != 0 && v < best {
				arg, best = i, v
			}
		}
	}
	return arg, best
}

// unionFind tracks which node (sample or merge) each sample's cluster is.
type unionFind struct{ parent []int }

func newUnionFind(n int) *unionFind {
	u := &unionFind{parent: make([]int, n)}
	for i := range u.parent {
		u.parent[i] = i
	}
	return u
}

func (u *unionFind) find(i int) int {
	for u.parent[i] != i {
		u.parent[i] = u.parent[u.parent[i]]
		i = u.parent[i]
	}
	return i
}

// tree numbers the sorted merges as SciPy does: leaves 0…n−1, merge i is node n+i, the
// smaller node first.
func tree(merges []merge, n int) ([][2]int, []float64) {
	node := make([]int, n) // node of the cluster whose root sample is i
	for i := range node {
		node[i] = i
	}
	u := newUnionFind(n)
	children := make([][2]int, len(merges))
	dists := make([]float64, len(merges))
	for i, m := range merges {
		rx, ry := u.find(m.x), u.find(m.y)
		a, b := node[rx], node[ry]
		children[i] = [2]int{min(a, b), max(a, b)}
		dists[i] = m.dist
		u.parent[rx] = ry
		node[ry] = n + i
	}
	return children, dists
}

// cut applies the first n−k merges and numbers the k clusters by their first sample.
func cut(merges []merge, n, k int) []int {
	u := newUnionFind(n)
	for _, m := range merges[:n-k] {
		u.parent[u.find(m.x)] = u.find(m.y)
	}
	ids := map[int]int{}
	labels := make([]int, n)
	for i := range labels {
		r := u.find(i)
		if _, ok := ids[r]; !ok {
			ids[r] = len(ids)
		}
		labels[i] = ids[r]
	}
	return labels
}

// FitPredict fits X and returns Labels.
func (a *AgglomerativeClustering) FitPredict(X *tensor.Tensor) (*tensor.Tensor, error) {
	if err := a.Fit(X); err != nil {
		return nil, err
	}
	return a.Labels, nil
}
