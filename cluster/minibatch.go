package cluster

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/ember-ml/ember/tensor"
)

// MiniBatchKMeans is scikit-learn's MiniBatchKMeans: k-means on random mini-batches (drawn
// with replacement). Each step assigns the batch to the nearest centres and moves each centre
// to the running mean of every sample it was ever assigned: c ← (c·w + Σx)/(w + m), where w
// counts the samples seen so far and m those in the batch, so each centre's learning rate
// is 1/its count. Clusters whose count falls below ReassignmentRatio times the largest
// (and, always, clusters that are still empty) are periodically moved to random samples of
// the batch, as in scikit-learn. Fit runs MaxIter·samples/BatchSize steps, stopping early
// when the summed squared centre change is ≤ Tol times the mean per-feature variance (Tol
// > 0) or when the smoothed batch inertia has not improved for MaxNoImprovement steps.
// Unlike KMeans, X is not centred.
type MiniBatchKMeans struct {
	NClusters   int            // number of clusters k (default 8)
	Init        string         // "k-means++" (default) or "random"
	InitCenters *tensor.Tensor // initial centres [k, features]; overrides Init, one init
	MaxIter     int            // passes over the data (default 100)
	BatchSize   int            // samples per mini-batch (default 1024; capped at the samples)
	// Tol stops Fit when the squared centre change is ≤ Tol·(mean feature variance);
	// default 0, off.
	Tol float64
	// MaxNoImprovement stops Fit after this many steps without a lower smoothed batch
	// inertia (default 10; 0 disables it, scikit-learn's None).
	MaxNoImprovement int
	// InitSize is the number of random samples (drawn with replacement) the initialisation
	// runs on (default 0: 3·BatchSize, at least 3·k, at most the number of samples).
	InitSize          int
	NInit             int     // initialisations tried, the best on InitSize samples kept (default 3)
	ReassignmentRatio float64 // relative count below which a centre is moved (default 0.01)
	RandomState       uint64  // seed of initialisation, batches and reassignments

	ClusterCenters *tensor.Tensor // fitted centres, float64 [k, features]
	Labels         *tensor.Tensor // cluster of each row of the X last given to Fit or PartialFit
	Inertia        float64        // sum of squared distances of those rows to their centres
	NIter          int            // passes over the data: ⌈steps·BatchSize/samples⌉
	NSteps         int            // mini-batch steps taken
	NFeaturesIn    int            // number of features seen by Fit

	centers      matrix
	counts       []float64
	sinceReassig int               // samples (batch sizes) seen since the last reassignment check
	batch        int               // effective batch size: min(BatchSize, samples of the first X)
	gen          *tensor.Generator // rng's generator, whose state MarshalState keeps
	rng          *rand.Rand
}

// NewMiniBatchKMeans returns a MiniBatchKMeans with scikit-learn's defaults and k clusters.
func NewMiniBatchKMeans(nClusters int) *MiniBatchKMeans {
	return &MiniBatchKMeans{NClusters: nClusters, Init: "k-means++", MaxIter: 100, BatchSize: 1024,
		MaxNoImprovement: 10, NInit: 3, ReassignmentRatio: 0.01}
}

func (m *MiniBatchKMeans) check(n int) error {
	switch {
	case m.NClusters <= 0:
		return fmt.Errorf("minibatch kmeans: NClusters must be > 0, got %d", m.NClusters)
	case n < m.NClusters:
		return fmt.Errorf("minibatch kmeans: n_samples=%d should be >= n_clusters=%d", n, m.NClusters)
	case m.MaxIter <= 0 || m.BatchSize <= 0 || m.NInit <= 0:
		return fmt.Errorf("minibatch kmeans: MaxIter, BatchSize and NInit must be > 0, got %d, %d, %d", m.MaxIter, m.BatchSize, m.NInit)
	case m.Tol < 0 || math.IsNaN(m.Tol) || m.ReassignmentRatio < 0 || math.IsNaN(m.ReassignmentRatio):
		return fmt.Errorf("minibatch kmeans: Tol and ReassignmentRatio must be >= 0, got %g, %g", m.Tol, m.ReassignmentRatio)
	case m.MaxNoImprovement < 0 || m.InitSize < 0:
		return fmt.Errorf("minibatch kmeans: MaxNoImprovement and InitSize must be >= 0, got %d, %d", m.MaxNoImprovement, m.InitSize)
	case m.InitCenters == nil && m.Init != "k-means++" && m.Init != "random":
		return fmt.Errorf("minibatch kmeans: Init must be \"k-means++\" or \"random\", got %q", m.Init)
	}
	return nil
}

// initSize is the number of samples the initialisation runs on.
func (m *MiniBatchKMeans) initSize(n, batch int) int {
	s := m.InitSize
	if s == 0 {
		s = 3 * batch
	}
	if s < m.NClusters {
		s = 3 * m.NClusters
	}
	return min(s, n)
}

// initCentroids returns initial centres for x: InitCenters, or Init run on initSize
// random samples.
func (m *MiniBatchKMeans) initCentroids(x matrix, size int) (matrix, error) {
	if m.InitCenters != nil {
		c, err := readX("minibatch kmeans: InitCenters", m.InitCenters)
		if err != nil {
			return matrix{}, err
		}
		if c.n != m.NClusters || c.d != x.d {
			return matrix{}, fmt.Errorf("minibatch kmeans: InitCenters has shape [%d %d], want [%d %d]", c.n, c.d, m.NClusters, x.d)
		}
		return c, nil
	}
	if size < x.n {
		sub := newMatrix(size, x.d)
		for i := range size {
			copy(sub.row(i), x.row(m.rng.IntN(x.n)))
		}
		x = sub
	}
	if m.Init == "random" {
		return randomInit(x, m.NClusters, m.rng), nil
	}
	return kmeansPlusPlus(x, rowSqNorms(x), m.NClusters, m.rng), nil
}

// start validates x and resets the fitted state. Fit (best true) keeps the best of NInit
// initialisations by inertia on InitSize random samples; PartialFit makes one.
func (m *MiniBatchKMeans) start(x matrix, best bool) error {
	if err := m.check(x.n); err != nil {
		return err
	}
	m.gen = tensor.NewGenerator(m.RandomState)
	m.rng = m.gen.Rand()
	batch := min(m.BatchSize, x.n)
	size := m.initSize(x.n, batch)
	var centers matrix
	if !best || m.InitCenters != nil {
		var err error
		if centers, err = m.initCentroids(x, size); err != nil {
			return err
		}
	} else {
		centers = m.bestInit(x, size)
	}
	m.centers, m.batch, m.counts = centers, batch, make([]float64, m.NClusters)
	m.sinceReassig, m.NSteps, m.NFeaturesIn = 0, 0, x.d
	return nil
}

// bestInit returns the best of NInit initialisations by inertia on size random samples.
func (m *MiniBatchKMeans) bestInit(x matrix, size int) matrix {
	valid := newMatrix(size, x.d)
	for i := range size {
		copy(valid.row(i), x.row(m.rng.IntN(x.n)))
	}
	var best matrix
	lowest := math.Inf(1)
	for range m.NInit {
		c, _ := m.initCentroids(x, size) // no error without InitCenters
		labels := make([]int, valid.n)
		assign(valid, c, labels)
		if in := inertia(valid, c, labels); in < lowest {
			lowest, best = in, c
		}
	}
	return best
}

// Fit clusters X [samples, features].
func (m *MiniBatchKMeans) Fit(X *tensor.Tensor) error {
	x, err := readX("minibatch kmeans", X)
	if err != nil {
		return err
	}
	if err := m.start(x, true); err != nil {
		return err
	}
	batch := m.batch
	tol := m.Tol * meanVariance(x)
	conv := convergence{alpha: min(float64(batch)*2/float64(x.n+1), 1), patience: m.MaxNoImprovement}
	steps := m.MaxIter * x.n / batch
	xb := newMatrix(batch, x.d)
	for i := range steps {
		for j := range batch {
			copy(xb.row(j), x.row(m.rng.IntN(x.n)))
		}
		old := m.centers.clone()
		batchInertia := m.step(xb)
		m.NSteps++
		diff := 0.0
		if tol > 0 {
			diff = sqDistRows(old, m.centers)
		}
		if conv.done(i, batchInertia/float64(batch), diff, tol) {
			break
		}
	}
	m.NIter = (m.NSteps*batch + x.n - 1) / x.n
	m.finish(x)
	return nil
}

// PartialFit runs one mini-batch step on all of X; the first call initialises the centres
// from X. Labels and Inertia describe X after the step.
func (m *MiniBatchKMeans) PartialFit(X *tensor.Tensor) error {
	x, err := readX("minibatch kmeans", X)
	if err != nil {
		return err
	}
	if m.NFeaturesIn == 0 {
		if err := m.start(x, false); err != nil {
			return err
		}
	} else if x.d != m.NFeaturesIn {
		return fmt.Errorf("minibatch kmeans: X has %d features, but the estimator was fitted with %d", x.d, m.NFeaturesIn)
	}
	m.step(x)
	m.NSteps++
	m.finish(x)
	return nil
}

// finish publishes the centres and labels x.
func (m *MiniBatchKMeans) finish(x matrix) {
	labels := make([]int, x.n)
	assign(x, m.centers, labels)
	m.ClusterCenters = m.centers.toTensor()
	m.Labels = labelTensor(labels)
	m.Inertia = inertia(x, m.centers, labels)
}

func sqDistRows(a, b matrix) float64 { return sqDist(a.data, b.data) }

// step assigns the batch, moves the centres and returns the batch's inertia before the move.
func (m *MiniBatchKMeans) step(xb matrix) float64 {
	m.sinceReassig += m.batch
	reassign := slices.Contains(m.counts, 0) || m.sinceReassig >= 10*m.NClusters
	if reassign {
		m.sinceReassig = 0
	}
	labels := make([]int, xb.n)
	assign(xb, m.centers, labels)
	in := inertia(xb, m.centers, labels)
	for c := range m.NClusters {
		m.updateCenter(xb, labels, c)
	}
	if reassign && m.ReassignmentRatio > 0 {
		m.reassign(xb)
	}
	return in
}

// updateCenter moves centre c to the running mean of its samples.
func (m *MiniBatchKMeans) updateCenter(xb matrix, labels []int, c int) {
	row := m.centers.row(c)
	first := true
	for i, l := range labels {
		if l != c {
			continue
		}
		if first {
			scale(row, m.counts[c])
			first = false
		}
		add(row, xb.row(i))
		m.counts[c]++
	}
	if !first {
		scale(row, 1/m.counts[c])
	}
}

// reassign moves the centres with counts below ReassignmentRatio times the largest to
// random distinct samples of the batch (at most half the batch), and raises their counts
// to the smallest count kept.
func (m *MiniBatchKMeans) reassign(xb matrix) {
	top := slices.Max(m.counts)
	var low []int
	for c, w := range m.counts {
		if w < m.ReassignmentRatio*top {
			low = append(low, c)
		}
	}
	if len(low) > xb.n/2 {
		slices.SortStableFunc(low, func(a, b int) int { return cmp.Compare(m.counts[a], m.counts[b]) })
		low = low[:xb.n/2]
	}
	if len(low) == 0 {
		return
	}
	for j, i := range m.rng.Perm(xb.n)[:len(low)] {
		copy(m.centers.row(low[j]), xb.row(i))
	}
	isLow := make([]bool, len(m.counts))
	for _, c := range low {
		isLow[c] = true
	}
	floor := math.Inf(1)
	for c, w := range m.counts {
		if !isLow[c] {
			floor = min(floor, w)
		}
	}
	if math.IsInf(floor, 1) { // every centre was moved: nothing to compare with
		return
	}
	for _, c := range low {
		m.counts[c] = floor
	}
}

// convergence is scikit-learn's early stopping of MiniBatchKMeans: an exponentially
// weighted average of the per-sample batch inertia that must keep improving.
type convergence struct {
	alpha         float64
	patience      int
	ewa, ewaMin   float64
	started, seen bool
	noImprovement int
}

// done reports whether to stop after step i.
func (c *convergence) done(i int, batchInertia, centerDiff, tol float64) bool {
	if i == 0 {
		return false
	}
	if !c.started {
		c.ewa, c.started = batchInertia, true
	} else {
		c.ewa = c.ewa*(1-c.alpha) + batchInertia*c.alpha
	}
	if tol > 0 && centerDiff <= tol {
		return true
	}
	if !c.seen || c.ewa < c.ewaMin {
		c.noImprovement, c.ewaMin, c.seen = 0, c.ewa, true
	} else {
		c.noImprovement++
	}
	return c.patience > 0 && c.noImprovement >= c.patience
}

// Predict returns the index of the nearest fitted centre of each row of X, int64 [samples].
func (m *MiniBatchKMeans) Predict(X *tensor.Tensor) (*tensor.Tensor, error) {
	x, err := readFitted("minibatch kmeans: predict", X, m.NFeaturesIn)
	if err != nil {
		return nil, err
	}
	labels := make([]int, x.n)
	assign(x, m.centers, labels)
	return labelTensor(labels), nil
}

// Transform returns the euclidean distance of each row of X to each fitted centre, float64
// [samples, k].
func (m *MiniBatchKMeans) Transform(X *tensor.Tensor) (*tensor.Tensor, error) {
	x, err := readFitted("minibatch kmeans: transform", X, m.NFeaturesIn)
	if err != nil {
		return nil, err
	}
	return distances(x, m.centers), nil
}

// FitPredict fits X and returns Labels.
func (m *MiniBatchKMeans) FitPredict(X *tensor.Tensor) (*tensor.Tensor, error) {
	if err := m.Fit(X); err != nil {
		return nil, err
	}
	return m.Labels, nil
}
