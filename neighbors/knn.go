package neighbors

import (
	"fmt"

	"github.com/ember-ml/ember/tensor"
)

// Params are the settings shared by the k-nearest-neighbour estimators, with
// scikit-learn's names.
type Params struct {
	NNeighbors int     // neighbours per query (default 5)
	Weights    string  // "uniform" (default) or "distance" (1/distance)
	Algorithm  string  // "auto" (default), "brute" or "kd_tree"
	LeafSize   int     // most points in a k-d tree leaf (default 30)
	Metric     string  // "minkowski" (default), "euclidean", "manhattan" or "cosine"
	P          float64 // Minkowski exponent, ≥ 1 (default 2: euclidean)
}

func defaultParams() Params {
	return Params{NNeighbors: 5, Weights: "uniform", Algorithm: "auto", LeafSize: 30, Metric: "minkowski", P: 2}
}

// index is a fitted neighbour search over the training rows.
type index struct {
	x      matrix
	m      metric
	method string // "brute" or "kd_tree"
	f32    bool   // Fit saw float32 X: euclidean brute force multiplies in float32
	g32    *gemmTrain[float32]
	g64    *gemmTrain[float64]
	tree   *kdTree
}

// build validates p against n training samples and indexes x; f32 reports that X was
// float32.
func (p Params) build(op string, x matrix, f32 bool) (*index, error) {
	m, err := newMetric(p.Metric, p.P)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", op, err)
	}
	if err := checkK(op, "NNeighbors", p.NNeighbors, x.n); err != nil {
		return nil, err
	}
	switch {
	case p.Weights != "uniform" && p.Weights != "distance":
		return nil, fmt.Errorf("%s: Weights must be \"uniform\" or \"distance\", got %q", op, p.Weights)
	case p.LeafSize < 1:
		return nil, fmt.Errorf("%s: LeafSize must be ≥ 1, got %d", op, p.LeafSize)
	}
	method := p.Algorithm
	switch method {
	case "auto":
		method = "kd_tree"
		if x.d > 15 || p.NNeighbors >= x.n/2 || m.name == "cosine" {
			method = "brute"
		}
	case "kd_tree":
		if m.name == "cosine" {
			return nil, fmt.Errorf("%s: Metric \"cosine\" is not valid for Algorithm \"kd_tree\"; use \"brute\"", op)
		}
	case "brute":
	default:
		return nil, fmt.Errorf("%s: Algorithm must be \"auto\", \"brute\" or \"kd_tree\", got %q", op, p.Algorithm)
	}
	ix := &index{x: x, m: m, method: method, f32: f32}
	switch {
	case method == "kd_tree":
		ix.tree = newKDTree(x, p.LeafSize)
	case m.name == "euclidean" && f32:
		ix.g32 = newGemmTrain[float32](x, usePanels())
	case m.name == "euclidean":
		ix.g64 = newGemmTrain[float64](x, false)
	}
	return ix, nil
}

// query returns the k nearest training rows of every row of q: distances and indices,
// row-major [queries·k].
func (ix *index) query(q matrix, k int) ([]float64, []int) {
	dist, idx := make([]float64, q.n*k), make([]int, q.n*k)
	switch {
	case ix.g32 != nil && ix.g32.xa != nil:
		brutePanels(ix.g32, ix.x, q, k, dist, idx)
		return dist, idx
	case ix.g32 != nil:
		bruteGemm(ix.g32, ix.x, q, k, dist, idx)
		return dist, idx
	case ix.g64 != nil:
		bruteGemm(ix.g64, ix.x, q, k, dist, idx)
		return dist, idx
	case ix.tree == nil:
		bruteScan(ix.x, q, ix.m, k, dist, idx)
		return dist, idx
	}
	parallelRows(q.n, 64, func(lo, hi int) {
		h := newKBest(k)
		for i := lo; i < hi; i++ {
			h.reset()
			ix.tree.query(q.row(i), ix.m, h)
			finish(h, ix.m, dist[i*k:(i+1)*k], idx[i*k:(i+1)*k])
		}
	})
	return dist, idx
}

// readQuery validates X for a fitted index.
func (ix *index) readQuery(op string, X *tensor.Tensor) (matrix, error) {
	if ix == nil {
		return matrix{}, fmt.Errorf("%s: not fitted: call Fit first", op)
	}
	q, err := readX(op, X)
	if err != nil {
		return matrix{}, err
	}
	if q.d != ix.x.d {
		return matrix{}, fmt.Errorf("%s: X has %d features, but the estimator was fitted with %d", op, q.d, ix.x.d)
	}
	return q, nil
}

// checkK validates a neighbour count k (named name) against n training samples, in
// scikit-learn's words.
func checkK(op, name string, k, n int) error {
	switch {
	case k <= 0:
		return fmt.Errorf("%s: %s must be > 0, got %d (Expected n_neighbors > 0)", op, name, k)
	case k > n:
		return fmt.Errorf("%s: %s=%d but only %d training samples: Expected n_neighbors <= n_samples_fit, but n_neighbors = %d, n_samples_fit = %d", op, name, k, n, k, n)
	}
	return nil
}

// readPredict is readQuery for Predict, PredictProba and Score, which also re-check the
// settings they use (NNeighbors, Weights), since they may have changed since Fit.
func (ix *index) readPredict(op string, X *tensor.Tensor, p Params) (matrix, error) {
	q, err := ix.readQuery(op, X)
	if err != nil {
		return matrix{}, err
	}
	if err := checkK(op, "NNeighbors", p.NNeighbors, ix.x.n); err != nil {
		return matrix{}, err
	}
	if p.Weights != "uniform" && p.Weights != "distance" {
		return matrix{}, fmt.Errorf("%s: Weights must be \"uniform\" or \"distance\", got %q", op, p.Weights)
	}
	return q, nil
}

// kneighbors is KNeighbors for either estimator.
func (ix *index) kneighbors(op string, X *tensor.Tensor, k int) (*tensor.Tensor, *tensor.Tensor, error) {
	q, err := ix.readQuery(op, X)
	if err != nil {
		return nil, nil, err
	}
	if err := checkK(op, "k", k, ix.x.n); err != nil {
		return nil, nil, err
	}
	dist, idx := ix.query(q, k)
	ind := make([]int64, len(idx))
	for i, v := range idx {
		ind[i] = int64(v)
	}
	return tensor.FromSlice(dist, q.n, k), tensor.FromSlice(ind, q.n, k), nil
}

// weights returns the weight of each neighbour of one query: 1 for "uniform"; 1/distance
// for "distance", or, when some distances are 0, 1 for those and 0 for the others.
func weights(kind string, dist, w []float64) {
	zero := false
	for _, d := range dist {
		zero = zero || d == 0
	}
	for j, d := range dist {
		switch {
		case kind == "uniform":
			w[j] = 1
		case zero && d == 0:
			w[j] = 1
		case zero:
			w[j] = 0
		default:
			w[j] = 1 / d
		}
	}
}
