package ensemble

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"

	"github.com/ember-ml/ember/internal/inputs"
	"github.com/ember-ml/ember/internal/scoring"
	"github.com/ember-ml/ember/tensor"
)

// forestSettings are the parameters shared by the two forests.
type forestSettings struct {
	NEstimators int
	Bootstrap   bool
	OOBScore    bool
	NJobs       int
	RandomState uint64
}

// workers resolves NJobs as joblib does: k ≥ 1 goroutines, −1 all CPUs, −2 all but one….
func workers(op string, nJobs int) (int, error) {
	switch {
	case nJobs > 0:
		return nJobs, nil
	case nJobs < 0:
		return max(1, runtime.GOMAXPROCS(0)+1+nJobs), nil
	}
	return 0, fmt.Errorf("%s: NJobs must be ≥ 1, or negative for all CPUs but NJobs+1; got 0", op)
}

// check validates the forest settings.
func (s forestSettings) check(op string) error {
	switch {
	case s.NEstimators < 1:
		return fmt.Errorf("%s: NEstimators must be ≥ 1, got %d", op, s.NEstimators)
	case s.OOBScore && !s.Bootstrap:
		return fmt.Errorf("%s: OOBScore needs Bootstrap", op)
	}
	return nil
}

// treeRand returns the random source of tree i: it depends only on the seed and i, so the
// forest is the same whatever the number of goroutines.
func treeRand(seed uint64, i int) *rand.Rand {
	return rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15^uint64(i+1)))
}

// bootstrapWeights draws n samples with replacement: the weight of each sample is the
// number of times it was drawn.
func bootstrapWeights(r *rand.Rand, n int) []float64 {
	w := make([]float64, n)
	for range n {
		w[r.IntN(n)]++
	}
	return w
}

// fitForest validates the settings for x and nClasses classes (0: regression) and grows
// the trees on class codes or targets y, on NJobs goroutines; tree i draws its bootstrap
// weights (nil without bootstrap) and features from its own random source.
func fitForest(op string, ts treeSettings, fs forestSettings, x matrix32, nClasses int, codes []int, y []float64) ([]*tree, [][]float64, error) {
	p, err := ts.params(op, x.d, nClasses)
	if err != nil {
		return nil, nil, err
	}
	if err := fs.check(op); err != nil {
		return nil, nil, err
	}
	nJobs, err := workers(op, fs.NJobs)
	if err != nil {
		return nil, nil, err
	}
	trees := make([]*tree, fs.NEstimators)
	weights := make([][]float64, fs.NEstimators)
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(nJobs, fs.NEstimators) {
		wg.Go(func() {
			for i := range next {
				r := treeRand(fs.RandomState, i)
				if fs.Bootstrap {
					weights[i] = bootstrapWeights(r, x.n)
				}
				trees[i] = buildTree(p, x, codes, y, weights[i], r)
			}
		})
	}
	for i := range fs.NEstimators {
		next <- i
	}
	close(next)
	wg.Wait()
	return trees, weights, nil
}

// meanImportances averages the trees' normalised importances over trees with a split and
// normalises the result, as scikit-learn does.
func meanImportances(trees []*tree, d int) *tensor.Tensor {
	sum := make([]float64, d)
	used := 0
	for _, t := range trees {
		if t.nodeCount() <= 1 {
			continue
		}
		used++
		for j, v := range t.importances(d) {
			sum[j] += v
		}
	}
	total := 0.0
	for j := range sum {
		sum[j] /= float64(max(used, 1))
		total += sum[j]
	}
	if total > 0 {
		for j := range sum {
			sum[j] /= total
		}
	}
	return tensor.FromSlice(sum, d)
}

// forestPredict writes the sum over trees of the leaf values (normalised to probabilities
// for classifiers) for each sample of x into out [n, k], in tree order per sample so that
// the result does not depend on the number of goroutines.
func forestPredict(trees []*tree, x matrix32, k, nJobs int, classifier bool) []float64 {
	out := make([]float64, x.n*k)
	buf := make([][]float64, min(nJobs, x.n)) // rowChunks runs at most one goroutine per row
	rowChunks(x.n, nJobs, func(worker, lo, hi int) {
		if buf[worker] == nil {
			buf[worker] = make([]float64, k)
		}
		tmp := buf[worker]
		for i := lo; i < hi; i++ {
			dst := out[i*k : (i+1)*k]
			for _, t := range trees {
				leaf := t.apply(x, i)
				if !classifier {
					dst[0] += t.value[leaf]
					continue
				}
				leafProba(t, leaf, tmp)
				for j, v := range tmp {
					dst[j] += v
				}
			}
		}
	})
	return out
}

// rowChunks calls f(worker, lo, hi) on consecutive ranges of [0, n) from nJobs goroutines.
func rowChunks(n, nJobs int, f func(worker, lo, hi int)) {
	const chunk = 512
	var wg sync.WaitGroup
	var mu sync.Mutex
	next := 0
	for w := range min(nJobs, (n+chunk-1)/chunk) {
		wg.Go(func() {
			for {
				mu.Lock()
				lo := next
				next += chunk
				mu.Unlock()
				if lo >= n {
					return
				}
				f(w, lo, min(lo+chunk, n))
			}
		})
	}
	wg.Wait()
}

// oobSums adds each tree's values (probabilities for classifiers) on the samples it did not
// draw; counts are the number of trees that left each sample out.
func oobSums(trees []*tree, weights [][]float64, x matrix32, k int, classifier bool) (sums, counts []float64) {
	sums, counts = make([]float64, x.n*k), make([]float64, x.n)
	tmp := make([]float64, k)
	for ti, t := range trees {
		for i, w := range weights[ti] {
			if w != 0 {
				continue
			}
			counts[i]++
			leaf := t.apply(x, i)
			if !classifier {
				sums[i] += t.value[leaf]
				continue
			}
			leafProba(t, leaf, tmp)
			for j, v := range tmp {
				sums[i*k+j] += v
			}
		}
	}
	return sums, counts
}

// RandomForestClassifier is scikit-learn's RandomForestClassifier: NEstimators decision
// trees, each grown on a bootstrap sample (n draws with replacement, as sample weights)
// trying MaxFeatures random features per split; PredictProba averages the trees'
// probabilities. Tree i draws its bootstrap sample and features from a source seeded by
// RandomState and i, so the forest does not depend on NJobs (its random numbers are not
// NumPy's).
type RandomForestClassifier struct {
	NEstimators         int     // number of trees (default 100)
	Criterion           string  // "gini" (default), "entropy" or "log_loss"
	MaxDepth            int     // 0 (default): unlimited
	MinSamplesSplit     int     // default 2
	MinSamplesLeaf      int     // default 1
	MaxFeatures         string  // features tried per split (default "sqrt"); see the package doc
	MinImpurityDecrease float64 // default 0
	Bootstrap           bool    // draw a bootstrap sample per tree (default true)
	OOBScore            bool    // compute OOBScoreValue and OOBDecisionFunction (needs Bootstrap)
	NJobs               int     // goroutines building trees and predicting (default 1; −1: all CPUs)
	RandomState         uint64  // seed of the bootstrap samples and feature draws

	Classes             *tensor.Tensor // sorted distinct labels, the dtype of y
	NClasses            int
	FeatureImportances  *tensor.Tensor // mean of the trees' importances, normalised, float64
	OOBScoreValue       float64        // scikit-learn's oob_score_: out-of-bag accuracy
	OOBDecisionFunction *tensor.Tensor // out-of-bag class probabilities [samples, classes]
	NFeaturesIn         int

	trees  []*tree
	labels labels
}

// NewRandomForestClassifier returns a forest classifier with scikit-learn's defaults.
func NewRandomForestClassifier() *RandomForestClassifier {
	return &RandomForestClassifier{NEstimators: 100, Criterion: "gini", MinSamplesSplit: 2, MinSamplesLeaf: 1,
		MaxFeatures: "sqrt", Bootstrap: true, NJobs: 1}
}

func (f *RandomForestClassifier) settings() (treeSettings, forestSettings) {
	return treeSettings{f.Criterion, f.MaxDepth, f.MinSamplesSplit, f.MinSamplesLeaf, f.MaxFeatures, f.MinImpurityDecrease},
		forestSettings{f.NEstimators, f.Bootstrap, f.OOBScore, f.NJobs, f.RandomState}
}

// Fit grows the forest on X [samples, features] and class labels y [samples].
func (f *RandomForestClassifier) Fit(X, y *tensor.Tensor) error {
	const op = "random forest classifier"
	x, err := readX32(op, X)
	if err != nil {
		return err
	}
	l, err := encodeLabels(op, y, x.n)
	if err != nil {
		return err
	}
	ts, fs := f.settings()
	trees, weights, err := fitForest(op, ts, fs, x, len(l.classes), l.codes, nil)
	if err != nil {
		return err
	}
	f.trees, f.labels, f.NClasses, f.NFeaturesIn = trees, l, len(l.classes), x.d
	f.Classes = l.tensor(l.classes)
	f.FeatureImportances = meanImportances(trees, x.d)
	if f.OOBScore {
		f.oob(x, l, weights)
	}
	return nil
}

// oob sets the out-of-bag probabilities and accuracy; samples never left out get zero
// probabilities (predicted as the first class), as in scikit-learn.
func (f *RandomForestClassifier) oob(x matrix32, l labels, weights [][]float64) {
	k := f.NClasses
	sums, counts := oobSums(f.trees, weights, x, k, true)
	hit := 0
	for i := range x.n {
		row := sums[i*k : (i+1)*k]
		best := 0
		for j := range row {
			row[j] /= max(counts[i], 1)
			if row[j] > row[best] {
				best = j
			}
		}
		if best == l.codes[i] {
			hit++
		}
	}
	f.OOBDecisionFunction = tensor.FromSlice(sums, x.n, k)
	f.OOBScoreValue = float64(hit) / float64(x.n)
}

// PredictProba returns the mean of the trees' class probabilities, float64
// [samples, classes].
func (f *RandomForestClassifier) PredictProba(X *tensor.Tensor) (*tensor.Tensor, error) {
	x, err := readFitted32("random forest classifier: predict", X, f.NFeaturesIn)
	if err != nil {
		return nil, err
	}
	return tensor.FromSlice(f.proba(x), x.n, f.NClasses), nil
}

func (f *RandomForestClassifier) proba(x matrix32) []float64 {
	nJobs, _ := workers("", f.NJobs)
	out := forestPredict(f.trees, x, f.NClasses, max(nJobs, 1), true)
	for i := range out {
		out[i] /= float64(len(f.trees))
	}
	return out
}

// Predict returns the class of highest mean probability (the first on ties), in y's dtype.
func (f *RandomForestClassifier) Predict(X *tensor.Tensor) (*tensor.Tensor, error) {
	x, err := readFitted32("random forest classifier: predict", X, f.NFeaturesIn)
	if err != nil {
		return nil, err
	}
	return f.labels.argmaxLabels(f.proba(x), f.NClasses), nil
}

// Score returns the accuracy of Predict(X) against y.
func (f *RandomForestClassifier) Score(X, y *tensor.Tensor) (float64, error) {
	pred, err := f.Predict(X)
	if err != nil {
		return 0, err
	}
	return accuracy("random forest classifier: score", pred, y)
}

// RandomForestRegressor is scikit-learn's RandomForestRegressor: bootstrap-sampled
// squared-error trees whose predictions are averaged; MaxFeatures defaults to "1.0" (all
// features, scikit-learn 1.2's default). Randomness and NJobs are as for
// RandomForestClassifier.
type RandomForestRegressor struct {
	NEstimators         int     // number of trees (default 100)
	Criterion           string  // "squared_error" (default; the only one)
	MaxDepth            int     // 0 (default): unlimited
	MinSamplesSplit     int     // default 2
	MinSamplesLeaf      int     // default 1
	MaxFeatures         string  // features tried per split (default "1.0", all); see the package doc
	MinImpurityDecrease float64 // default 0
	Bootstrap           bool    // draw a bootstrap sample per tree (default true)
	OOBScore            bool    // compute OOBScoreValue and OOBPrediction (needs Bootstrap)
	NJobs               int     // goroutines building trees and predicting (default 1; −1: all CPUs)
	RandomState         uint64  // seed of the bootstrap samples and feature draws

	FeatureImportances *tensor.Tensor // mean of the trees' importances, normalised, float64
	OOBScoreValue      float64        // scikit-learn's oob_score_: out-of-bag R²
	OOBPrediction      *tensor.Tensor // out-of-bag predictions [samples] (0 where none)
	NFeaturesIn        int

	trees []*tree
}

// NewRandomForestRegressor returns a forest regressor with scikit-learn's defaults.
func NewRandomForestRegressor() *RandomForestRegressor {
	return &RandomForestRegressor{NEstimators: 100, Criterion: "squared_error", MinSamplesSplit: 2, MinSamplesLeaf: 1,
		MaxFeatures: "1.0", Bootstrap: true, NJobs: 1}
}

func (f *RandomForestRegressor) settings() (treeSettings, forestSettings) {
	return treeSettings{f.Criterion, f.MaxDepth, f.MinSamplesSplit, f.MinSamplesLeaf, f.MaxFeatures, f.MinImpurityDecrease},
		forestSettings{f.NEstimators, f.Bootstrap, f.OOBScore, f.NJobs, f.RandomState}
}

// Fit grows the forest on X [samples, features] and targets y [samples].
func (f *RandomForestRegressor) Fit(X, y *tensor.Tensor) error {
	const op = "random forest regressor"
	x, err := readX32(op, X)
	if err != nil {
		return err
	}
	v, err := inputs.ReadY(op, y, x.n)
	if err != nil {
		return err
	}
	ts, fs := f.settings()
	trees, weights, err := fitForest(op, ts, fs, x, 0, nil, v)
	if err != nil {
		return err
	}
	f.trees, f.NFeaturesIn = trees, x.d
	f.FeatureImportances = meanImportances(trees, x.d)
	if f.OOBScore {
		sums, counts := oobSums(trees, weights, x, 1, false)
		for i := range sums {
			sums[i] /= max(counts[i], 1)
		}
		f.OOBPrediction = tensor.FromSlice(sums, x.n)
		f.OOBScoreValue = scoring.R2(v, sums)
	}
	return nil
}

// Predict returns the mean of the trees' predictions, float64 [samples].
func (f *RandomForestRegressor) Predict(X *tensor.Tensor) (*tensor.Tensor, error) {
	x, err := readFitted32("random forest regressor: predict", X, f.NFeaturesIn)
	if err != nil {
		return nil, err
	}
	nJobs, _ := workers("", f.NJobs)
	out := forestPredict(f.trees, x, 1, max(nJobs, 1), false)
	for i := range out {
		out[i] /= float64(len(f.trees))
	}
	return tensor.FromSlice(out, x.n), nil
}

// Score returns the R² of Predict(X) against y.
func (f *RandomForestRegressor) Score(X, y *tensor.Tensor) (float64, error) {
	pred, err := f.Predict(X)
	if err != nil {
		return 0, err
	}
	return r2Score("random forest regressor: score", pred, y)
}
