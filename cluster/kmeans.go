package cluster

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/ember-ml/ember/tensor"
)

// KMeans is scikit-learn's KMeans: NInit runs of Lloyd's or Elkan's algorithm from k-means++
// or random initial centres, keeping the run of lowest inertia. Each run stops at strict
// convergence (no label changed), when the summed squared centre shift is ≤ Tol times the
// mean per-feature variance of X, or after MaxIter iterations; a run that did not converge
// strictly ends with one more assignment so that Labels match ClusterCenters. As in
// scikit-learn, Lloyd's assignments of a float32 X compare float32 distances (products of
// float32 samples and centres); the centres are float64 means. Clusters that
// become empty take the samples farthest from their centres, as in scikit-learn. X is
// centred on its mean while fitting, as scikit-learn does for dense data.
type KMeans struct {
	NClusters int    // number of clusters k (default 8)
	Init      string // "k-means++" (default; greedy, 2+⌊ln k⌋ local trials) or "random"
	// InitCenters, when set, are the initial centres [k, features] (scikit-learn's array
	// init); Init is ignored and a single run is made whatever NInit says.
	InitCenters *tensor.Tensor
	// NInit is the number of runs (default 10: scikit-learn 1.2's default, which warns that
	// 1.4 changes it to "auto", one run for k-means++).
	NInit       int
	MaxIter     int     // iterations per run (default 300)
	Tol         float64 // relative tolerance on the centre shift (default 1e-4; ≥ 0)
	Algorithm   string  // "lloyd" (default) or "elkan"; both give the same clustering
	RandomState uint64  // seed of the initialisation

	ClusterCenters *tensor.Tensor // fitted centres, float64 [k, features]
	Labels         *tensor.Tensor // cluster of each training sample, int64 [samples]
	Inertia        float64        // sum of squared distances of samples to their centres
	NIter          int            // iterations of the best run
	NFeaturesIn    int            // number of features seen by Fit

	centers matrix
}

// NewKMeans returns a KMeans with scikit-learn's defaults and k clusters.
func NewKMeans(nClusters int) *KMeans {
	return &KMeans{NClusters: nClusters, Init: "k-means++", NInit: 10, MaxIter: 300, Tol: 1e-4, Algorithm: "lloyd"}
}

// check validates the settings against n samples with d features.
func (km *KMeans) check(n, d int) error {
	switch {
	case km.NClusters <= 0:
		return fmt.Errorf("kmeans: NClusters must be > 0, got %d", km.NClusters)
	case n < km.NClusters:
		return fmt.Errorf("kmeans: n_samples=%d should be >= n_clusters=%d", n, km.NClusters)
	case km.NInit <= 0:
		return fmt.Errorf("kmeans: NInit must be > 0, got %d", km.NInit)
	case km.MaxIter <= 0:
		return fmt.Errorf("kmeans: MaxIter must be > 0, got %d", km.MaxIter)
	case km.Tol < 0 || math.IsNaN(km.Tol):
		return fmt.Errorf("kmeans: Tol must be >= 0, got %g", km.Tol)
	case km.Algorithm != "lloyd" && km.Algorithm != "elkan":
		return fmt.Errorf("kmeans: Algorithm must be \"lloyd\" or \"elkan\", got %q", km.Algorithm)
	case km.InitCenters == nil && km.Init != "k-means++" && km.Init != "random":
		return fmt.Errorf("kmeans: Init must be \"k-means++\" or \"random\", got %q", km.Init)
	}
	return nil
}

// initCenters reads InitCenters, shifted by -mean.
func (km *KMeans) initCenters(d int, mean []float64) (matrix, error) {
	c, err := readX("kmeans: InitCenters", km.InitCenters)
	if err != nil {
		return matrix{}, err
	}
	if c.n != km.NClusters || c.d != d {
		return matrix{}, fmt.Errorf("kmeans: InitCenters has shape [%d %d], want [%d %d]", c.n, c.d, km.NClusters, d)
	}
	for i := range c.n {
		subtract(c.row(i), mean)
	}
	return c, nil
}

// Fit clusters X [samples, features].
func (km *KMeans) Fit(X *tensor.Tensor) error {
	if X != nil && X.Dim() == 2 && X.DType() == tensor.Float32 && km.InitCenters != nil && km.Algorithm == "lloyd" {
		if src := X.HostFloat32(); src != nil {
			return km.fitFloat32(X, src)
		}
	}
	x, err := readX("kmeans", X)
	if err != nil {
		return err
	}
	if err := km.check(x.n, x.d); err != nil {
		return err
	}
	tol := km.Tol * meanVariance(x)
	mean := centre(x)
	var given matrix
	nInit := km.NInit
	if km.InitCenters != nil {
		if given, err = km.initCenters(x.d, mean); err != nil {
			return err
		}
		nInit = 1
	}
	r := tensor.NewGenerator(km.RandomState).Rand()
	var xsq []float64
	if km.InitCenters == nil && km.Init != "random" {
		xsq = rowSqNorms(x)
	}
	var xs matrix32
	if X.DType() == tensor.Float32 && km.Algorithm == "lloyd" {
		xs = newMatrix32(x)
	}
	var best *kmRun
	for range nInit {
		init := given
		switch {
		case km.InitCenters != nil:
			init = given.clone()
		case km.Init == "random":
			init = randomInit(x, km.NClusters, r)
		default:
			init = kmeansPlusPlus(x, xsq, km.NClusters, r)
		}
		run := km.single(x, xs, init, tol)
		if best == nil || run.inertia < best.inertia && !sameClustering(run.labels, best.labels, km.NClusters) {
			best = run
		}
	}
	for i := range best.centers.n {
		add(best.centers.row(i), mean)
	}
	km.centers = best.centers
	km.ClusterCenters = best.centers.toTensor()
	km.Labels = labelTensor(best.labels)
	km.Inertia, km.NIter, km.NFeaturesIn = best.inertia, best.nIter, x.d
	return nil
}

// kmRun is the result of one k-means run.
type kmRun struct {
	centers matrix
	labels  []int
	inertia float64
	nIter   int
}

// single runs one k-means from init; Lloyd's iterations read xs, x's float32 copy, when
// it is set (X is float32).
func (km *KMeans) single(x matrix, xs matrix32, init matrix, tol float64) *kmRun {
	if km.Algorithm == "elkan" {
		return elkan(x, init, km.MaxIter, tol)
	}
	if xs.data != nil {
		return lloyd32(rows64{x}, xs, init, km.MaxIter, tol)
	}
	return lloyd(x, init, km.MaxIter, tol)
}

// lloyd runs Lloyd's algorithm from the given centres.
func lloyd(x, centers matrix, maxIter int, tol float64) *kmRun {
	labels := make([]int, x.n)
	old := make([]int, x.n)
	for i := range old {
		old[i] = -1
	}
	strict := false
	it := 0
	for it < maxIter {
		assign(x, centers, labels)
		next, shift := updateCenters(x, centers, labels)
		centers = next
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
		assign(x, centers, labels)
	}
	return &kmRun{centers: centers, labels: labels, inertia: inertia(x, centers, labels), nIter: it}
}

// assign sets each label to the nearest centre, comparing ‖c‖² − 2x·c; ties go to the
// lowest index.
func assign(x, centers matrix, labels []int) {
	cn := rowSqNorms(centers)
	parallelRows(x.n, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			xi := x.row(i)
			best, bestD := 0, math.Inf(1)
			for c := range centers.n {
				if d := cn[c] - 2*dot(xi, centers.row(c)); d < bestD {
					best, bestD = c, d
				}
			}
			labels[i] = best
		}
	})
}

// updateCenters returns the means of the clusters (empty clusters relocated) and the summed
// squared shift of the centres.
func updateCenters(x, old matrix, labels []int) (matrix, float64) {
	sums := newMatrix(old.n, old.d)
	counts := make([]float64, old.n)
	for i, l := range labels {
		add(sums.row(l), x.row(i))
		counts[l]++
	}
	return finishCenters(x, old, labels, sums, counts)
}

// finishCenters turns the clusters' sums and sizes into their means, relocating empty
// clusters first (relocateEmpty), and returns them with the summed squared shift from old.
// sums is overwritten and returned.
func finishCenters(x, old matrix, labels []int, sums matrix, counts []float64) (matrix, float64) {
	relocateEmpty(x, old, labels, sums, counts)
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

// relocateEmpty gives each empty cluster the sample farthest from its current centre,
// farthest first, moving it out of its cluster's sum (scikit-learn's rule; labels are not
// changed until the next assignment).
func relocateEmpty(x, old matrix, labels []int, sums matrix, counts []float64) {
	var empty []int
	for c, n := range counts {
		if n == 0 {
			empty = append(empty, c)
		}
	}
	if len(empty) == 0 {
		return
	}
	order := make([]int, x.n)
	dist := make([]float64, x.n)
	for i := range order {
		order[i] = i
		dist[i] = sqDist(x.row(i), old.row(labels[i]))
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(dist[b], dist[a]) })
	for j, c := range empty {
		far := order[j]
		from := labels[far]
		subtract(sums.row(from), x.row(far))
		copy(sums.row(c), x.row(far))
		counts[from]--
		counts[c] = 1
	}
}

func inertia(x, centers matrix, labels []int) float64 {
	s := 0.0
	for i, l := range labels {
		s += sqDist(x.row(i), centers.row(l))
	}
	return s
}

// sameClustering reports whether two labellings are equal up to a permutation of labels.
func sameClustering(a, b []int, k int) bool {
	m := make([]int, k)
	for i := range m {
		m[i] = -1
	}
	for i := range a {
		switch m[a[i]] {
		case -1:
			m[a[i]] = b[i]
		case b[i]:
		default:
			return false
		}
	}
	return true
}

// meanVariance returns the mean over features of the population variance.
func meanVariance(x matrix) float64 {
	mean := make([]float64, x.d)
	for i := range x.n {
		add(mean, x.row(i))
	}
	scale(mean, 1/float64(x.n))
	v := 0.0
	for i := range x.n {
		v += sqDist(x.row(i), mean)
	}
	return v / float64(x.n) / float64(x.d)
}

// centre subtracts the column means from x in place and returns them.
func centre(x matrix) []float64 {
	mean := make([]float64, x.d)
	for i := range x.n {
		add(mean, x.row(i))
	}
	scale(mean, 1/float64(x.n))
	for i := range x.n {
		subtract(x.row(i), mean)
	}
	return mean
}

func add(dst, src []float64) {
	for i := range dst {
		dst[i] += src[i]
	}
}

func subtract(dst, src []float64) {
	for i := range dst {
		dst[i] -= src[i]
	}
}

func scale(dst []float64, s float64) {
	for i := range dst {
		dst[i] *= s
	}
}

// randomInit picks k distinct samples.
func randomInit(x matrix, k int, r *rand.Rand) matrix {
	c := newMatrix(k, x.d)
	for j, i := range r.Perm(x.n)[:k] {
		copy(c.row(j), x.row(i))
	}
	return c
}

// kmeansPlusPlus is greedy k-means++: each new centre is the best, by resulting potential,
// of 2+⌊ln k⌋ samples drawn with probability proportional to the squared distance to the
// nearest centre so far.
func kmeansPlusPlus(x matrix, xsq []float64, k int, r *rand.Rand) matrix {
	c := newMatrix(k, x.d)
	trials := 2 + int(math.Log(float64(k)))
	first := r.IntN(x.n)
	copy(c.row(0), x.row(first))
	closest := sqDistsTo(x, xsq, first)
	pot := sum(closest)
	cand := make([][]float64, trials)
	ids := make([]int, trials)
	for j := 1; j < k; j++ {
		cum := cumsum(closest)
		bestPot, bestID := math.Inf(1), -1
		for t := range trials {
			id, _ := slices.BinarySearch(cum, r.Float64()*pot)
			ids[t] = min(id, x.n-1)
			cand[t] = sqDistsTo(x, xsq, ids[t])
			for i, v := range closest {
				cand[t][i] = min(cand[t][i], v)
			}
			if p := sum(cand[t]); p < bestPot {
				bestPot, bestID = p, t
			}
		}
		copy(c.row(j), x.row(ids[bestID]))
		closest, pot = cand[bestID], bestPot
	}
	return c
}

// sqDistsTo returns the squared distances of all samples to sample j.
func sqDistsTo(x matrix, xsq []float64, j int) []float64 {
	out := make([]float64, x.n)
	xj := x.row(j)
	parallelRows(x.n, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			out[i] = max(xsq[i]-2*dot(x.row(i), xj)+xsq[j], 0)
		}
	})
	return out
}

func sum(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s
}

func cumsum(v []float64) []float64 {
	out := make([]float64, len(v))
	s := 0.0
	for i, x := range v {
		s += x
		out[i] = s
	}
	return out
}

// Predict returns the index of the nearest fitted centre of each row of X, int64 [samples].
func (km *KMeans) Predict(X *tensor.Tensor) (*tensor.Tensor, error) {
	x, err := readFitted("kmeans: predict", X, km.NFeaturesIn)
	if err != nil {
		return nil, err
	}
	labels := make([]int, x.n)
	assign(x, km.centers, labels)
	return labelTensor(labels), nil
}

// Transform returns the euclidean distance of each row of X to each fitted centre, float64
// [samples, k].
func (km *KMeans) Transform(X *tensor.Tensor) (*tensor.Tensor, error) {
	x, err := readFitted("kmeans: transform", X, km.NFeaturesIn)
	if err != nil {
		return nil, err
	}
	return distances(x, km.centers), nil
}

// distances returns the euclidean distances between the rows of x and of c.
func distances(x, c matrix) *tensor.Tensor {
	out := newMatrix(x.n, c.n)
	parallelRows(x.n, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			for j := range c.n {
				out.data[i*c.n+j] = math.Sqrt(sqDist(x.row(i), c.row(j)))
			}
		}
	})
	return tensor.FromSlice(out.data, x.n, c.n)
}

// FitPredict fits X and returns Labels.
func (km *KMeans) FitPredict(X *tensor.Tensor) (*tensor.Tensor, error) {
	if err := km.Fit(X); err != nil {
		return nil, err
	}
	return km.Labels, nil
}
