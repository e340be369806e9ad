package ensemble

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/ember-ml/ember/internal/inputs"
	"github.com/ember-ml/ember/tensor"
)

// treeSettings are the parameters shared by the tree and forest estimators.
type treeSettings struct {
	Criterion           string
	MaxDepth            int
	MinSamplesSplit     int
	MinSamplesLeaf      int
	MaxFeatures         string
	MinImpurityDecrease float64
}

// params validates the settings for d features and nClasses classes (0: regression).
func (s treeSettings) params(op string, d, nClasses int) (treeParams, error) {
	p := treeParams{maxDepth: s.MaxDepth, minSamplesSplit: s.MinSamplesSplit, minSamplesLeaf: s.MinSamplesLeaf,
		minImpurityDecrease: s.MinImpurityDecrease, nClasses: nClasses}
	switch {
	case nClasses > 0 && s.Criterion == "gini":
		p.crit = gini
	case nClasses > 0 && (s.Criterion == "entropy" || s.Criterion == "log_loss"):
		p.crit = entropy
	case nClasses == 0 && s.Criterion == "squared_error":
		p.crit = squaredError
	case nClasses > 0:
		return p, fmt.Errorf("%s: Criterion must be \"gini\", \"entropy\" or \"log_loss\", got %q", op, s.Criterion)
	default:
		return p, fmt.Errorf("%s: Criterion must be \"squared_error\", got %q", op, s.Criterion)
	}
	switch {
	case s.MaxDepth < 0:
		return p, fmt.Errorf("%s: MaxDepth must be ≥ 0 (0: unlimited), got %d", op, s.MaxDepth)
	case s.MinSamplesSplit < 2:
		return p, fmt.Errorf("%s: MinSamplesSplit must be ≥ 2, got %d", op, s.MinSamplesSplit)
	case s.MinSamplesLeaf < 1:
		return p, fmt.Errorf("%s: MinSamplesLeaf must be ≥ 1, got %d", op, s.MinSamplesLeaf)
	case !(s.MinImpurityDecrease >= 0) || math.IsInf(s.MinImpurityDecrease, 0):
		return p, fmt.Errorf("%s: MinImpurityDecrease must be finite and ≥ 0, got %g", op, s.MinImpurityDecrease)
	}
	var err error
	p.maxFeatures, err = maxFeatures(op, s.MaxFeatures, d)
	return p, err
}

// fitTree validates the settings for x and nClasses classes (0: regression) and grows a
// tree on class codes or targets y, drawing features from a source seeded by seed.
func fitTree(op string, s treeSettings, seed uint64, x matrix32, nClasses int, codes []int, y []float64) (*tree, error) {
	p, err := s.params(op, x.d, nClasses)
	if err != nil {
		return nil, err
	}
	return buildTree(p, x, codes, y, nil, rand.New(rand.NewPCG(seed, 0))), nil
}

// fitted is the state shared by fitted trees.
type fitted struct {
	t           *tree
	nFeaturesIn int
}

// Apply returns the index of the leaf each sample of X [samples, features] ends in, int64
// [samples]; node indices follow scikit-learn's numbering (depth first, left child first).
func (f *fitted) Apply(X *tensor.Tensor) (*tensor.Tensor, error) {
	x, err := readFitted32("tree: apply", X, f.nFeaturesIn)
	if err != nil {
		return nil, err
	}
	out := make([]int64, x.n)
	for i := range out {
		out[i] = int64(f.t.apply(x, i))
	}
	return tensor.FromSlice(out, x.n), nil
}

// TreeDepth returns the depth of the fitted tree (0 for a single leaf).
func (f *fitted) TreeDepth() int {
	if f.t == nil {
		return 0
	}
	return f.t.maxDepth
}

// NLeaves returns the number of leaves of the fitted tree.
func (f *fitted) NLeaves() int {
	if f.t == nil {
		return 0
	}
	return f.t.nLeaves()
}

// NodeCount returns the number of nodes of the fitted tree.
func (f *fitted) NodeCount() int {
	if f.t == nil {
		return 0
	}
	return f.t.nodeCount()
}

// Node describes node i of the fitted tree as scikit-learn's tree_ arrays do: children (−1
// for leaves), split feature and threshold (−2 for leaves), impurity, number of training
// samples and their total weight.
type Node struct {
	Left, Right      int
	Feature          int
	Threshold        float64
	Impurity         float64
	NSamples         int
	WeightedNSamples float64
}

// Nodes returns the nodes of the fitted tree in scikit-learn's order.
func (f *fitted) Nodes() []Node {
	if f.t == nil {
		return nil
	}
	t := f.t
	out := make([]Node, t.nodeCount())
	for i := range out {
		out[i] = Node{Left: int(t.left[i]), Right: int(t.right[i]), Feature: int(t.feature[i]),
			Threshold: t.threshold[i], Impurity: t.impurity[i], NSamples: t.nSamples[i], WeightedNSamples: t.weight[i]}
	}
	return out
}

// DecisionTreeClassifier is scikit-learn's DecisionTreeClassifier with the best splitter:
// each node tries up to MaxFeatures features drawn at random and, on each, every threshold
// halfway between consecutive distinct sorted values (values within 1e-7 count as equal),
// keeping the split of largest impurity decrease (the first found on ties). Nodes are grown
// depth first; a node is a leaf at MaxDepth, with fewer than MinSamplesSplit or
// 2·MinSamplesLeaf samples, when pure, when no split leaves MinSamplesLeaf samples on each
// side, or when the weighted impurity decrease is below MinImpurityDecrease. X is rounded to
// float32, as in scikit-learn. Leaves predict the class frequencies of their samples.
type DecisionTreeClassifier struct {
	Criterion           string  // "gini" (default), "entropy" or "log_loss" (the same, base 2)
	MaxDepth            int     // 0 (default): unlimited
	MinSamplesSplit     int     // minimum samples to split a node (default 2)
	MinSamplesLeaf      int     // minimum samples in each leaf (default 1)
	MaxFeatures         string  // features tried per split: "" (default, all); see the package doc
	MinImpurityDecrease float64 // minimum weighted impurity decrease of a split (default 0)
	RandomState         uint64  // seed of the feature order (matters only on ties and with MaxFeatures)

	Classes            *tensor.Tensor // sorted distinct labels, the dtype of y (int64 or float64)
	NClasses           int
	FeatureImportances *tensor.Tensor // normalised total impurity decrease per feature, float64
	NFeaturesIn        int

	fitted
	labels labels
}

// NewDecisionTreeClassifier returns a classifier with scikit-learn's defaults.
func NewDecisionTreeClassifier() *DecisionTreeClassifier {
	return &DecisionTreeClassifier{Criterion: "gini", MinSamplesSplit: 2, MinSamplesLeaf: 1}
}

func (c *DecisionTreeClassifier) settings() treeSettings {
	return treeSettings{c.Criterion, c.MaxDepth, c.MinSamplesSplit, c.MinSamplesLeaf, c.MaxFeatures, c.MinImpurityDecrease}
}

// Fit grows the tree on X [samples, features] and class labels y [samples].
func (c *DecisionTreeClassifier) Fit(X, y *tensor.Tensor) error {
	const op = "decision tree classifier"
	x, err := readX32(op, X)
	if err != nil {
		return err
	}
	l, err := encodeLabels(op, y, x.n)
	if err != nil {
		return err
	}
	t, err := fitTree(op, c.settings(), c.RandomState, x, len(l.classes), l.codes, nil)
	if err != nil {
		return err
	}
	c.fitted = fitted{t: t, nFeaturesIn: x.d}
	c.labels, c.NClasses, c.NFeaturesIn = l, len(l.classes), x.d
	c.Classes = l.tensor(l.classes)
	c.FeatureImportances = tensor.FromSlice(t.importances(x.d), x.d)
	return nil
}

// PredictProba returns the class probabilities of X, float64 [samples, classes], in the
// order of Classes.
func (c *DecisionTreeClassifier) PredictProba(X *tensor.Tensor) (*tensor.Tensor, error) {
	x, err := readFitted32("decision tree classifier: predict", X, c.nFeaturesIn)
	if err != nil {
		return nil, err
	}
	return tensor.FromSlice(c.proba(x), x.n, c.NClasses), nil
}

func (c *DecisionTreeClassifier) proba(x matrix32) []float64 {
	k := c.NClasses
	out := make([]float64, x.n*k)
	for i := range x.n {
		leafProba(c.t, c.t.apply(x, i), out[i*k:(i+1)*k])
	}
	return out
}

// leafProba writes the normalised class weights of a leaf into dst.
func leafProba(t *tree, leaf int, dst []float64) {
	v := t.value[leaf*t.k : (leaf+1)*t.k]
	s := 0.0
	for _, w := range v {
		s += w
	}
	for j, w := range v {
		dst[j] = w / s
	}
}

// Predict returns the most probable class of each sample (the first on ties), in y's dtype.
func (c *DecisionTreeClassifier) Predict(X *tensor.Tensor) (*tensor.Tensor, error) {
	x, err := readFitted32("decision tree classifier: predict", X, c.nFeaturesIn)
	if err != nil {
		return nil, err
	}
	return c.labels.argmaxLabels(c.proba(x), c.NClasses), nil
}

// Score returns the accuracy of Predict(X) against y.
func (c *DecisionTreeClassifier) Score(X, y *tensor.Tensor) (float64, error) {
	pred, err := c.Predict(X)
	if err != nil {
		return 0, err
	}
	return accuracy("decision tree classifier: score", pred, y)
}

// DecisionTreeRegressor is scikit-learn's DecisionTreeRegressor with the best splitter and
// the squared-error criterion; splits and stopping rules are those of
// DecisionTreeClassifier, and leaves predict the mean target of their samples.
type DecisionTreeRegressor struct {
	Criterion           string  // "squared_error" (default; the only one)
	MaxDepth            int     // 0 (default): unlimited
	MinSamplesSplit     int     // minimum samples to split a node (default 2)
	MinSamplesLeaf      int     // minimum samples in each leaf (default 1)
	MaxFeatures         string  // features tried per split: "" (default, all); see the package doc
	MinImpurityDecrease float64 // minimum weighted impurity decrease of a split (default 0)
	RandomState         uint64  // seed of the feature order (matters only on ties and with MaxFeatures)

	FeatureImportances *tensor.Tensor // normalised total impurity decrease per feature, float64
	NFeaturesIn        int

	fitted
}

// NewDecisionTreeRegressor returns a regressor with scikit-learn's defaults.
func NewDecisionTreeRegressor() *DecisionTreeRegressor {
	return &DecisionTreeRegressor{Criterion: "squared_error", MinSamplesSplit: 2, MinSamplesLeaf: 1}
}

func (r *DecisionTreeRegressor) settings() treeSettings {
	return treeSettings{r.Criterion, r.MaxDepth, r.MinSamplesSplit, r.MinSamplesLeaf, r.MaxFeatures, r.MinImpurityDecrease}
}

// Fit grows the tree on X [samples, features] and targets y [samples].
func (r *DecisionTreeRegressor) Fit(X, y *tensor.Tensor) error {
	const op = "decision tree regressor"
	x, err := readX32(op, X)
	if err != nil {
		return err
	}
	v, err := inputs.ReadY(op, y, x.n)
	if err != nil {
		return err
	}
	t, err := fitTree(op, r.settings(), r.RandomState, x, 0, nil, v)
	if err != nil {
		return err
	}
	r.fitted = fitted{t: t, nFeaturesIn: x.d}
	r.NFeaturesIn = x.d
	r.FeatureImportances = tensor.FromSlice(t.importances(x.d), x.d)
	return nil
}

// Predict returns the leaf mean of each sample, float64 [samples].
func (r *DecisionTreeRegressor) Predict(X *tensor.Tensor) (*tensor.Tensor, error) {
	x, err := readFitted32("decision tree regressor: predict", X, r.nFeaturesIn)
	if err != nil {
		return nil, err
	}
	out := make([]float64, x.n)
	for i := range out {
		out[i] = r.t.value[r.t.apply(x, i)]
	}
	return tensor.FromSlice(out, x.n), nil
}

// Score returns the R² of Predict(X) against y.
func (r *DecisionTreeRegressor) Score(X, y *tensor.Tensor) (float64, error) {
	pred, err := r.Predict(X)
	if err != nil {
		return 0, err
	}
	return r2Score("decision tree regressor: score", pred, y)
}
