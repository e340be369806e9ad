package cluster

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/ember-ml/ember/tensor"
)

// DefaultSpectralMaxSamples is SpectralClustering's default MaxSamples.
const DefaultSpectralMaxSamples = 5000

// SpectralClustering is scikit-learn's SpectralClustering with assign_labels="kmeans": an
// affinity matrix over the samples, its spectral embedding in NClusters dimensions (see
// SpectralEmbedding) and k-means, NInit runs seeded by RandomState, on the embedding.
//
// The affinity is "rbf", exp(−Gamma·‖xᵢ−xⱼ‖²), or "nearest_neighbors", 0.5·(C+Cᵀ) where
// Cᵢⱼ = 1 when j is one of the NNeighbors nearest samples of i, i itself included (ties to
// the lower index).
//
// Cost: the affinity and the Laplacian are dense n×n float64 matrices and the embedding a
// full dense symmetric eigendecomposition (gonum), so memory is O(n²), about 24·n² bytes
// (600 MB at 5,000 samples), and time O(n³): about 2 s at 1,000 samples and 20 s at 2,000 on
// one core. Fit refuses more than MaxSamples samples. scikit-learn's iterative eigensolvers and this
// dense one agree up to the sign of each eigenvector (fixed by the same rule) and, within
// an eigenvalue of multiplicity > 1, up to a rotation: labels then agree up to renaming when
// the clusters are well separated.
type SpectralClustering struct {
	NClusters    int     // number of clusters and embedding dimensions (default 8)
	Affinity     string  // "rbf" (default) or "nearest_neighbors"
	Gamma        float64 // rbf coefficient, in inverse squared units of X (default 1; > 0)
	NNeighbors   int     // neighbours per sample for "nearest_neighbors" (default 10)
	AssignLabels string  // "kmeans" (default; the only strategy)
	NInit        int     // k-means runs on the embedding (default 10)
	RandomState  uint64  // seed of the k-means initialisation
	MaxSamples   int     // largest number of samples Fit accepts (default 5000)

	Labels         *tensor.Tensor // cluster of each sample, int64 [samples]
	AffinityMatrix *tensor.Tensor // the affinity, float64 [samples, samples]
	NFeaturesIn    int            // number of features seen by Fit
}

// NewSpectralClustering returns a SpectralClustering with scikit-learn's defaults and k
// clusters.
func NewSpectralClustering(nClusters int) *SpectralClustering {
	return &SpectralClustering{NClusters: nClusters, Affinity: "rbf", Gamma: 1, NNeighbors: 10,
		AssignLabels: "kmeans", NInit: 10, MaxSamples: DefaultSpectralMaxSamples}
}

// check validates the settings against n samples.
func (sc *SpectralClustering) check(n int) error {
	switch {
	case sc.NClusters <= 0:
		return fmt.Errorf("spectral: NClusters must be > 0, got %d", sc.NClusters)
	case n < 2:
		return fmt.Errorf("spectral: need at least 2 samples, got %d", n)
	case n < sc.NClusters:
		return fmt.Errorf("spectral: n_samples=%d should be >= n_clusters=%d", n, sc.NClusters)
	case n > sc.MaxSamples:
		return fmt.Errorf("spectral: %d samples exceed MaxSamples=%d (the dense affinity needs about %d MB; raise MaxSamples to allow it)",
			n, sc.MaxSamples, 24*n*n>>20)
	case sc.NInit <= 0:
		return fmt.Errorf("spectral: NInit must be > 0, got %d", sc.NInit)
	case sc.AssignLabels != "kmeans":
		return fmt.Errorf("spectral: AssignLabels must be \"kmeans\", got %q", sc.AssignLabels)
	}
	switch sc.Affinity {
	case "rbf":
		if !(sc.Gamma > 0) || math.IsInf(sc.Gamma, 0) {
			return fmt.Errorf("spectral: Gamma must be a positive number, got %g", sc.Gamma)
		}
	case "nearest_neighbors":
		if sc.NNeighbors < 1 || sc.NNeighbors > n {
			return fmt.Errorf("spectral: NNeighbors must be in [1, %d] (the number of samples), got %d", n, sc.NNeighbors)
		}
	default:
		return fmt.Errorf("spectral: Affinity must be \"rbf\" or \"nearest_neighbors\", got %q", sc.Affinity)
	}
	return nil
}

// Fit clusters X [samples, features].
func (sc *SpectralClustering) Fit(X *tensor.Tensor) error {
	x, err := readX("spectral", X)
	if err != nil {
		return err
	}
	if err := sc.check(x.n); err != nil {
		return err
	}
	var a matrix
	if sc.Affinity == "rbf" {
		a = rbfAffinity(x, sc.Gamma)
	} else {
		a = knnAffinity(x, sc.NNeighbors)
	}
	emb, err := spectralEmbed(a, sc.NClusters)
	if err != nil {
		return err
	}
	km := NewKMeans(sc.NClusters)
	km.NInit, km.RandomState = sc.NInit, sc.RandomState
	if err := km.Fit(emb.toTensor()); err != nil {
		return fmt.Errorf("spectral: %w", err)
	}
	sc.Labels = km.Labels
	sc.AffinityMatrix = tensor.FromSlice(a.data, x.n, x.n)
	sc.NFeaturesIn = x.d
	return nil
}

// FitPredict fits X and returns Labels.
func (sc *SpectralClustering) FitPredict(X *tensor.Tensor) (*tensor.Tensor, error) {
	if err := sc.Fit(X); err != nil {
		return nil, err
	}
	return sc.Labels, nil
}

// rbfAffinity returns exp(−γ‖xᵢ−xⱼ‖²).
func rbfAffinity(x matrix, gamma float64) matrix {
	a := newMatrix(x.n, x.n)
	parallelRows(x.n, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			for j := range x.n {
				a.data[i*x.n+j] = math.Exp(-gamma * sqDist(x.row(i), x.row(j)))
			}
		}
	})
	return a
}

// knnAffinity returns 0.5·(C+Cᵀ) for the k-nearest-neighbour connectivity C, self included.
func knnAffinity(x matrix, k int) matrix {
	a := newMatrix(x.n, x.n)
	nbrs := make([][]int, x.n)
	parallelRows(x.n, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			nbrs[i] = kNearest(x, x.row(i), k)
		}
	})
	for i, row := range nbrs {
		for _, j := range row {
			a.data[i*x.n+j] += 0.5
			a.data[j*x.n+i] += 0.5
		}
	}
	return a
}

// kNearest returns the indices of the k rows of x nearest to q, ties to the lower index, in
// no particular order.
func kNearest(x matrix, q []float64, k int) []int {
	d := make([]float64, x.n)
	idx := make([]int, x.n)
	for j := range x.n {
		d[j], idx[j] = sqDist(q, x.row(j)), j
	}
	selectSmallest(idx, k, func(a, b int) bool { return d[a] < d[b] || d[a] == d[b] && a < b })
	return idx[:k]
}

// selectSmallest reorders idx so that idx[:k] holds its k smallest elements under the strict
// total order less (quickselect).
func selectSmallest(idx []int, k int, less func(a, b int) bool) {
	lo, hi := 0, len(idx)
	for hi-lo > 1 {
		m := lo + (hi-lo)/2
		idx[m], idx[hi-1] = idx[hi-1], idx[m]
		p, s := idx[hi-1], lo
		for t := lo; t < hi-1; t++ {
			if less(idx[t], p) {
				idx[s], idx[t] = idx[t], idx[s]
				s++
			}
		}
		idx[s], idx[hi-1] = idx[hi-1], idx[s]
		switch {
		case k <= s:
			hi = s
		case k == s+1:
			return
		default:
			lo = s + 1
		}
	}
}

// SpectralEmbedding is scikit-learn's spectral_embedding with norm_laplacian=True: the
// eigenvectors of the nComponents smallest eigenvalues (ascending) of the symmetric
// normalized Laplacian I − D^−½·A·D^−½ of the affinity A (diagonal ignored; D the degrees,
// 1 for isolated nodes), each divided elementwise by D^½ and signed so that its entry of
// largest magnitude (the first such) is positive. dropFirst drops the first (constant for a
// connected graph) vector, computing nComponents+1. A must be square, symmetric,
// non-negative and finite; the result is float64 [samples, nComponents]. Memory and time
// are O(n²) and O(n³), as for SpectralClustering.
func SpectralEmbedding(affinity *tensor.Tensor, nComponents int, dropFirst bool) (*tensor.Tensor, error) {
	a, err := readAffinity(affinity)
	if err != nil {
		return nil, err
	}
	k := nComponents
	if dropFirst {
		k++
	}
	if nComponents <= 0 || k > a.n {
		return nil, fmt.Errorf("spectral embedding: nComponents must be in [1, %d], got %d", a.n-btoi(dropFirst), nComponents)
	}
	emb, err := spectralEmbed(a, k)
	if err != nil {
		return nil, err
	}
	if dropFirst {
		out := newMatrix(a.n, nComponents)
		for i := range a.n {
			copy(out.row(i), emb.row(i)[1:])
		}
		emb = out
	}
	return emb.toTensor(), nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// readAffinity validates a square, symmetric, non-negative affinity matrix.
func readAffinity(affinity *tensor.Tensor) (matrix, error) {
	a, err := readX("spectral embedding: affinity", affinity)
	if err != nil {
		return matrix{}, err
	}
	if a.n != a.d {
		return matrix{}, fmt.Errorf("spectral embedding: affinity must be square, got [%d %d]", a.n, a.d)
	}
	for i := range a.n {
		for j := range i + 1 {
			u, v := a.data[i*a.n+j], a.data[j*a.n+i]
			if u < 0 {
				return matrix{}, fmt.Errorf("spectral embedding: affinity[%d][%d] = %g is negative", i, j, u)
			}
			if math.Abs(u-v) > 1e-10*math.Max(1, math.Abs(u)) {
				return matrix{}, fmt.Errorf("spectral embedding: affinity is not symmetric at [%d][%d]: %g vs %g", i, j, u, v)
			}
		}
	}
	return a, nil
}

// spectralEmbed returns the first k columns of the spectral embedding of a (see
// SpectralEmbedding).
func spectralEmbed(a matrix, k int) (matrix, error) {
	n := a.n
	dd := make([]float64, n)
	for i := range n {
		w := sum(a.row(i)) - a.data[i*n+i]
		dd[i] = 1
		if w != 0 {
			dd[i] = math.Sqrt(w)
		}
	}
	lap := mat.NewSymDense(n, nil)
	for i := range n {
		lap.SetSym(i, i, 1)
		for j := i + 1; j < n; j++ {
			lap.SetSym(i, j, -a.data[i*n+j]/(dd[i]*dd[j]))
		}
	}
	var es mat.EigenSym
	if !es.Factorize(lap, true) {
		return matrix{}, fmt.Errorf("spectral embedding: the eigendecomposition of the Laplacian failed")
	}
	var vecs mat.Dense
	es.VectorsTo(&vecs)
	emb := newMatrix(n, k)
	for c := range k {
		col := make([]float64, n)
		for i := range n {
			col[i] = vecs.At(i, c) / dd[i]
		}
		flipSign(col)
		for i, v := range col {
			emb.data[i*k+c] = v
		}
	}
	return emb, nil
}

// flipSign negates v when its first entry of largest magnitude is negative.
func flipSign(v []float64) {
	arg := 0
	for i, x := range v {
		if math.Abs(x) > math.Abs(v[arg]) {
			arg = i
		}
	}
	if v[arg] < 0 {
		scale(v, -1)
	}
}
