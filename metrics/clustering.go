package metrics

// Clustering metrics, with scikit-learn's definitions and edge cases:
//
//   - AdjustedRandScore and NormalizedMutualInfoScore compare two labellings; label values
//     are names only (any whole numbers), and a labelling is compared up to permutation.
//   - SilhouetteScore, DaviesBouldinScore and CalinskiHarabaszScore judge a labelling of the
//     points X ([n, features], any float dtype, computed in float64) with euclidean
//     distances; like scikit-learn they need 2 ≤ number of clusters ≤ n−1 and return an
//     error otherwise. NaN or infinite coordinates are errors.

import (
	"fmt"
	"math"
	"math/big"
	"runtime"
	"slices"
	"sync"

	"github.com/ember-ml/ember/tensor"
)

// contingency counts the pairs (class of a, class of b); classes are indexed densely in
// sorted label order.
type contingency struct {
	cells      map[[2]int]int64
	rows, cols []int64 // row sums (classes of a) and column sums (classes of b)
}

func newContingency(a, b []int) contingency {
	ia, na := encode(a)
	ib, nb := encode(b)
	c := contingency{cells: map[[2]int]int64{}, rows: make([]int64, na), cols: make([]int64, nb)}
	for i := range ia {
		c.cells[[2]int{ia[i], ib[i]}]++
		c.rows[ia[i]]++
		c.cols[ib[i]]++
	}
	return c
}

// encode maps labels to 0…k−1 in sorted order, like scikit-learn's LabelEncoder.
func encode(l []int) ([]int, int) {
	u := slices.Clone(l)
	slices.Sort(u)
	u = slices.Compact(u)
	idx := make(map[int]int, len(u))
	for i, v := range u {
		idx[v] = i
	}
	out := make([]int, len(l))
	for i, v := range l {
		out[i] = idx[v]
	}
	return out, len(u)
}

// AdjustedRandScore returns the Rand index adjusted for chance (scikit-learn's
// adjusted_rand_score): 1 for identical partitions (also when both put every sample in one
// cluster, or every sample in its own), about 0 for random labellings, and negative below
// chance. The pair counts are exact integers, so large inputs do not overflow.
func AdjustedRandScore(labelsTrue, labelsPred *tensor.Tensor) (float64, error) {
	a, b, err := pair(labelsTrue, labelsPred)
	if err != nil {
		return 0, err
	}
	return AdjustedRandScoreOf(a, b), nil
}

// AdjustedRandScoreOf is AdjustedRandScore on label slices of equal length.
func AdjustedRandScoreOf(labelsTrue, labelsPred []int) float64 {
	c := newContingency(labelsTrue, labelsPred)
	n := big.NewInt(int64(len(labelsTrue)))
	sumSq, rowDot, colDot := new(big.Int), new(big.Int), new(big.Int)
	for k, v := range c.cells {
		bv := big.NewInt(v)
		sumSq.Add(sumSq, new(big.Int).Mul(bv, bv))
		colDot.Add(colDot, new(big.Int).Mul(bv, big.NewInt(c.cols[k[1]])))
		rowDot.Add(rowDot, new(big.Int).Mul(bv, big.NewInt(c.rows[k[0]])))
	}
	// Ordered pair counts: together in both, in pred only, in true only, in neither.
	tp := new(big.Int).Sub(sumSq, n)
	fp := new(big.Int).Sub(colDot, sumSq)
	fn := new(big.Int).Sub(rowDot, sumSq)
	tn := new(big.Int).Mul(n, n)
	tn.Sub(tn, fp).Sub(tn, fn).Sub(tn, sumSq)
	if fn.Sign() == 0 && fp.Sign() == 0 {
		return 1
	}
	num := new(big.Int).Sub(new(big.Int).Mul(tp, tn), new(big.Int).Mul(fn, fp))
	den := new(big.Int).Mul(new(big.Int).Add(tp, fn), new(big.Int).Add(fn, tn))
	den.Add(den, new(big.Int).Mul(new(big.Int).Add(tp, fp), new(big.Int).Add(fp, tn)))
	return 2 * bigFloat(num) / bigFloat(den)
}

func bigFloat(x *big.Int) float64 {
	f, _ := new(big.Float).SetInt(x).Float64()
	return f
}

// NormalizedMutualInfoScore returns the mutual information of the two labellings divided by
// the arithmetic mean of their entropies (scikit-learn's default average_method), in [0, 1]
// with natural logarithms: 1 when both labellings are a single cluster, 0 when the mutual
// information is 0.
func NormalizedMutualInfoScore(labelsTrue, labelsPred *tensor.Tensor) (float64, error) {
	a, b, err := pair(labelsTrue, labelsPred)
	if err != nil {
		return 0, err
	}
	return NormalizedMutualInfoScoreOf(a, b), nil
}

// NormalizedMutualInfoScoreOf is NormalizedMutualInfoScore on label slices of equal length.
func NormalizedMutualInfoScoreOf(labelsTrue, labelsPred []int) float64 {
	c := newContingency(labelsTrue, labelsPred)
	if len(c.rows) == 1 && len(c.cols) == 1 {
		return 1
	}
	mi := mutualInfo(c)
	if mi == 0 {
		return 0
	}
	norm := (entropy(c.rows) + entropy(c.cols)) / 2
	return mi / math.Max(norm, 0x1p-52)
}

// mutualInfo is the mutual information (nats) of a contingency table.
func mutualInfo(c contingency) float64 {
	if len(c.rows) == 1 || len(c.cols) == 1 {
		return 0
	}
	var n float64
	for _, v := range c.rows {
		n += float64(v)
	}
	logN := math.Log(n)
	mi := 0.0
	for k, v := range c.cells {
		p := float64(v) / n
		outer := float64(c.rows[k[0]] * c.cols[k[1]])
		term := p*(math.Log(float64(v))-logN) + p*(-math.Log(outer)+2*logN)
		if math.Abs(term) >= 0x1p-52 {
			mi += term
		}
	}
	return math.Max(mi, 0)
}

// entropy returns the entropy (nats) of a labelling given its class counts.
func entropy(counts []int64) float64 {
	if len(counts) <= 1 {
		return 0
	}
	var n float64
	for _, v := range counts {
		n += float64(v)
	}
	h := 0.0
	for _, v := range counts {
		h -= float64(v) / n * (math.Log(float64(v)) - math.Log(n))
	}
	return h
}

// points validates X [n, d] and labels [n] and returns X's rows (row-major float64), d, the
// dense label indices and the number of clusters.
func points(X, labels *tensor.Tensor) (x []float64, d int, lab []int, k int, err error) {
	if X.Dim() != 2 {
		return nil, 0, nil, 0, fmt.Errorf("metrics: X must be 2-D [samples, features], got shape %v", X.Shape())
	}
	n, d := X.Size(0), X.Size(1)
	raw, err := Labels(labels)
	if err != nil {
		return nil, 0, nil, 0, err
	}
	if len(raw) != n {
		return nil, 0, nil, 0, fmt.Errorf("metrics: found input variables with inconsistent numbers of samples: [%d, %d]", n, len(raw))
	}
	x = X.Float64s()
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, 0, nil, 0, fmt.Errorf("metrics: X contains %g at sample %d", v, i/max(d, 1))
		}
	}
	lab, k = encode(raw)
	if k < 2 || k >= n {
		return nil, 0, nil, 0, fmt.Errorf("metrics: number of labels is %d; valid values are 2 to n_samples - 1 (%d) inclusive", k, n-1)
	}
	return x, d, lab, k, nil
}

func sqdist(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		t := a[i] - b[i]
		s += t * t
	}
	return s
}

func dist(a, b []float64) float64 { return math.Sqrt(sqdist(a, b)) }

// SilhouetteScore returns the mean silhouette coefficient (b−a)/max(a, b) over all samples,
// where a is a sample's mean euclidean distance to the other members of its cluster and b
// the smallest mean distance to the members of another cluster (scikit-learn's
// silhouette_score on all samples). Samples alone in their cluster score 0. It takes
// O(n²·features) time, spread over GOMAXPROCS goroutines, and O(n + clusters) memory.
func SilhouetteScore(X, labels *tensor.Tensor) (float64, error) {
	x, d, lab, k, err := points(X, labels)
	if err != nil {
		return 0, err
	}
	n := len(lab)
	freq := make([]float64, k)
	for _, l := range lab {
		freq[l]++
	}
	per := make([]float64, n)
	rows := func(lo, hi int) {
		sums := make([]float64, k)
		for i := lo; i < hi; i++ {
			clear(sums)
			xi := x[i*d : (i+1)*d]
			for j := range n {
				sums[lab[j]] += dist(xi, x[j*d:(j+1)*d])
			}
			per[i] = silhouette(sums, freq, lab[i])
		}
	}
	var wg sync.WaitGroup
	step := max(64, n/(4*runtime.GOMAXPROCS(0)))
	for lo := 0; lo < n; lo += step {
		wg.Go(func() { rows(lo, min(lo+step, n)) })
	}
	wg.Wait()
	total := 0.0
	for _, v := range per {
		total += v
	}
	return total / float64(n), nil
}

// silhouette is one sample's coefficient from its summed distances to each cluster.
func silhouette(sums, freq []float64, own int) float64 {
	if freq[own] <= 1 {
		return 0
	}
	a := sums[own] / (freq[own] - 1)
	b := math.Inf(1)
	for c, s := range sums {
		if c != own {
			b = math.Min(b, s/freq[c])
		}
	}
	m := math.Max(a, b)
	if m == 0 {
		return 0
	}
	return (b - a) / m
}

// centroids returns the mean of each cluster's points and the cluster sizes.
func centroids(x []float64, d int, lab []int, k int) ([][]float64, []float64) {
	cent := make([][]float64, k)
	for c := range cent {
		cent[c] = make([]float64, d)
	}
	size := make([]float64, k)
	for i, l := range lab {
		size[l]++
		for j := range d {
			cent[l][j] += x[i*d+j]
		}
	}
	for c := range cent {
		for j := range d {
			cent[c][j] /= size[c]
		}
	}
	return cent, size
}

// DaviesBouldinScore returns scikit-learn's davies_bouldin_score: the mean over clusters of
// the largest (sᵢ+sⱼ)/dᵢⱼ, where s is a cluster's mean euclidean distance to its centroid
// and d the distance between centroids; lower is better. It is 0 when every s or every d is
// within 1e-8 of 0.
func DaviesBouldinScore(X, labels *tensor.Tensor) (float64, error) {
	x, d, lab, k, err := points(X, labels)
	if err != nil {
		return 0, err
	}
	cent, size := centroids(x, d, lab, k)
	intra := make([]float64, k)
	for i, l := range lab {
		intra[l] += dist(x[i*d:(i+1)*d], cent[l])
	}
	allZero := true
	for c := range intra {
		intra[c] /= size[c]
		allZero = allZero && math.Abs(intra[c]) <= 1e-8
	}
	cd := make([][]float64, k)
	centZero := true
	for i := range cd {
		cd[i] = make([]float64, k)
		for j := range cd[i] {
			cd[i][j] = dist(cent[i], cent[j])
			centZero = centZero && cd[i][j] <= 1e-8
		}
	}
	if allZero || centZero {
		return 0, nil
	}
	score := 0.0
	for i := range k {
		worst := math.Inf(-1)
		for j := range k {
			r := 0.0 // a zero distance counts as infinite: the ratio is 0
			if cd[i][j] != 0 {
				r = (intra[i] + intra[j]) / cd[i][j]
			}
			worst = math.Max(worst, r)
		}
		score += worst
	}
	return score / float64(k), nil
}

// CalinskiHarabaszScore returns scikit-learn's calinski_harabasz_score (the variance ratio
// criterion): between-cluster dispersion·(n−k) over within-cluster dispersion·(k−1), with
// squared euclidean dispersions; higher is better. It is 1 when the within-cluster
// dispersion is 0.
func CalinskiHarabaszScore(X, labels *tensor.Tensor) (float64, error) {
	x, d, lab, k, err := points(X, labels)
	if err != nil {
		return 0, err
	}
	n := len(lab)
	cent, size := centroids(x, d, lab, k)
	mean := make([]float64, d)
	for i := range n {
		for j := range d {
			mean[j] += x[i*d+j]
		}
	}
	for j := range mean {
		mean[j] /= float64(n)
	}
	extra, intra := 0.0, 0.0
	for c := range k {
		extra += size[c] * sqdist(cent[c], mean)
	}
	for i, l := range lab {
		intra += sqdist(x[i*d:(i+1)*d], cent[l])
	}
	if intra == 0 {
		return 1, nil
	}
	return extra * float64(n-k) / (intra * float64(k-1)), nil
}
