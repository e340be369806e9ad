package ensemble

import (
	"fmt"
	"math"
	"slices"

	"github.com/ember-ml/ember/internal/state"
	"github.com/ember-ml/ember/tensor"
)

// Persistence: MarshalState returns an estimator's settings and scalar fitted attributes as
// JSON (the field names of the Go struct) and its fitted arrays by name; UnmarshalState
// restores them. The trees of an estimator are stored concatenated, node arrays under
// "tree." (or "hgb." for boosted trees) with "…offsets" [trees+1] giving where each tree's
// nodes start. Loading checks every setting as Fit does and every array's dtype, shape and
// values: children must point forward and within their tree, features below NFeaturesIn,
// values finite and of the right length, so a corrupted state is an error and never a panic
// or an endless loop later.

// putLabels stores the classes: int64 when y was int64, else float64.
func putLabels(arrays map[string]*tensor.Tensor, l labels) {
	arrays["classes"] = l.tensor(l.classes)
}

// getLabels reads nClasses (≥ 2) sorted distinct finite classes.
func getLabels(op string, arrays map[string]*tensor.Tensor, nClasses int) (labels, error) {
	if nClasses < 2 {
		return labels{}, fmt.Errorf("%s: NClasses must be ≥ 2, got %d", op, nClasses)
	}
	t, ok := arrays["classes"]
	if !ok || t == nil {
		return labels{}, fmt.Errorf("%s: missing array %q", op, "classes")
	}
	l := labels{isInt: t.DType() == tensor.Int64}
	if !l.isInt {
		if _, err := state.Array(op, arrays, "classes", tensor.Float64, nClasses); err != nil {
			return labels{}, err
		}
	} else if _, err := state.Array(op, arrays, "classes", tensor.Int64, nClasses); err != nil {
		return labels{}, err
	}
	l.classes = t.Float64s()
	for i, c := range l.classes {
		if math.IsNaN(c) || math.IsInf(c, 0) || i > 0 && c <= l.classes[i-1] {
			return labels{}, fmt.Errorf("%s: array \"classes\" must hold increasing finite values, got %g at %d", op, c, i)
		}
	}
	return l, nil
}

// putTrees stores trees (k values per node) concatenated under "tree.".
func putTrees(arrays map[string]*tensor.Tensor, trees []*tree) {
	off := []int64{0}
	var left, right, feature, nSamples []int64
	var threshold, impurity, weight, value []float64
	for _, t := range trees {
		for i := range t.left {
			left, right = append(left, int64(t.left[i])), append(right, int64(t.right[i]))
			feature, nSamples = append(feature, int64(t.feature[i])), append(nSamples, int64(t.nSamples[i]))
		}
		threshold, impurity = append(threshold, t.threshold...), append(impurity, t.impurity...)
		weight, value = append(weight, t.weight...), append(value, t.value...)
		off = append(off, off[len(off)-1]+int64(t.nodeCount()))
	}
	nodes := len(left)
	arrays["tree.offsets"] = tensor.FromSlice(off, len(off))
	arrays["tree.left"] = tensor.FromSlice(left, nodes)
	arrays["tree.right"] = tensor.FromSlice(right, nodes)
	arrays["tree.feature"] = tensor.FromSlice(feature, nodes)
	arrays["tree.n_samples"] = tensor.FromSlice(nSamples, nodes)
	arrays["tree.threshold"] = tensor.FromSlice(threshold, nodes)
	arrays["tree.impurity"] = tensor.FromSlice(impurity, nodes)
	arrays["tree.weighted_n_samples"] = tensor.FromSlice(weight, nodes)
	arrays["tree.value"] = tensor.FromSlice(value, len(value))
}

// links reads the structure of nTrees concatenated trees stored under prefix: "offsets"
// [nTrees+1], where each tree's nodes start followed by the node count (from 0, strictly
// increasing: no empty tree), and the nodes' "left", "right" and "feature", unchecked.
func links(op string, arrays map[string]*tensor.Tensor, prefix string, nTrees int) (off, left, right, feature []int64, err error) {
	name := prefix + "offsets"
	if off, err = state.Ints(op, arrays, name, nTrees+1); err != nil {
		return
	}
	if off[0] != 0 {
		return nil, nil, nil, nil, fmt.Errorf("%s: array %q must start at 0, got %d", op, name, off[0])
	}
	for i := 1; i < len(off); i++ {
		if off[i] <= off[i-1] {
			return nil, nil, nil, nil, fmt.Errorf("%s: array %q must increase (every tree has a node), got %d after %d", op, name, off[i], off[i-1])
		}
	}
	nodes := int(off[nTrees])
	if left, err = state.Ints(op, arrays, prefix+"left", nodes); err != nil {
		return
	}
	if right, err = state.Ints(op, arrays, prefix+"right", nodes); err != nil {
		return
	}
	feature, err = state.Ints(op, arrays, prefix+"feature", nodes)
	return
}

// checkChildren checks node i of a tree of count nodes: a leaf has left = right = −1,
// a split node has both children after i and within the tree, and a feature in [0, d).
func checkChildren(op string, tr, i int, left, right, feature int64, count, d int) (leaf bool, err error) {
	if left == -1 && right == -1 {
		return true, nil
	}
	if left <= int64(i) || right <= int64(i) || left >= int64(count) || right >= int64(count) {
		return false, fmt.Errorf("%s: tree %d node %d has children %d and %d: want −1 and −1, or nodes after %d and before %d", op, tr, i, left, right, i, count)
	}
	if feature < 0 || feature >= int64(d) {
		return false, fmt.Errorf("%s: tree %d node %d splits on feature %d, want one in [0, %d)", op, tr, i, feature, d)
	}
	return false, nil
}

// getTrees reads nTrees trees stored by putTrees, with k values per node, split on d
// features.
func getTrees(op string, arrays map[string]*tensor.Tensor, nTrees, k, d int, classifier bool) ([]*tree, error) {
	off, left, right, feature, err := links(op, arrays, "tree.", nTrees)
	if err != nil {
		return nil, err
	}
	nodes := len(left)
	nSamples, err := state.Ints(op, arrays, "tree.n_samples", nodes)
	if err != nil {
		return nil, err
	}
	threshold, _, err := state.Floats(op, arrays, "tree.threshold", nodes)
	if err != nil {
		return nil, err
	}
	impurity, _, err := state.Floats(op, arrays, "tree.impurity", nodes)
	if err != nil {
		return nil, err
	}
	weight, _, err := state.Floats(op, arrays, "tree.weighted_n_samples", nodes)
	if err != nil {
		return nil, err
	}
	value, _, err := state.Floats(op, arrays, "tree.value", nodes*k)
	if err != nil {
		return nil, err
	}
	trees := make([]*tree, nTrees)
	for ti := range trees {
		lo, hi := int(off[ti]), int(off[ti+1])
		count := hi - lo
		t := &tree{k: k, threshold: threshold[lo:hi:hi], impurity: impurity[lo:hi:hi], weight: weight[lo:hi:hi],
			value: value[lo*k : hi*k : hi*k], left: make([]int32, count), right: make([]int32, count),
			feature: make([]int32, count), nSamples: make([]int, count)}
		depth := make([]int, count)
		for i := range count {
			j := lo + i
			leaf, err := checkChildren(op, ti, i, left[j], right[j], feature[j], count, d)
			if err != nil {
				return nil, err
			}
			if nSamples[j] < 0 || weight[j] < 0 {
				return nil, fmt.Errorf("%s: tree %d node %d has %d samples of weight %g", op, ti, i, nSamples[j], weight[j])
			}
			t.left[i], t.right[i], t.feature[i], t.nSamples[i] = int32(left[j]), int32(right[j]), int32(feature[j]), int(nSamples[j])
			if !leaf {
				depth[left[j]], depth[right[j]] = depth[i]+1, depth[i]+1
				continue
			}
			t.maxDepth = max(t.maxDepth, depth[i])
			if !classifier {
				continue
			}
			s := 0.0
			for _, v := range t.value[i*k : (i+1)*k] {
				if v < 0 {
					return nil, fmt.Errorf("%s: tree %d leaf %d has a negative class weight %g", op, ti, i, v)
				}
				s += v
			}
			if !(s > 0) {
				return nil, fmt.Errorf("%s: tree %d leaf %d has no class weight", op, ti, i)
			}
		}
		trees[ti] = t
	}
	return trees, nil
}

// putHTrees stores boosted trees concatenated under "hgb.".
func putHTrees(arrays map[string]*tensor.Tensor, trees []*htree) {
	off := []int64{0}
	var left, right, feature []int64
	var threshold, value []float64
	var missingLeft []bool
	for _, t := range trees {
		for i := range t.left {
			left, right = append(left, int64(t.left[i])), append(right, int64(t.right[i]))
			feature = append(feature, int64(t.feature[i]))
		}
		threshold, value = append(threshold, t.threshold...), append(value, t.value...)
		missingLeft = append(missingLeft, t.missingLeft...)
		off = append(off, off[len(off)-1]+int64(len(t.left)))
	}
	nodes := len(left)
	arrays["hgb.offsets"] = tensor.FromSlice(off, len(off))
	arrays["hgb.left"] = tensor.FromSlice(left, nodes)
	arrays["hgb.right"] = tensor.FromSlice(right, nodes)
	arrays["hgb.feature"] = tensor.FromSlice(feature, nodes)
	arrays["hgb.threshold"] = tensor.FromSlice(threshold, nodes)
	arrays["hgb.missing_left"] = tensor.FromSlice(missingLeft, nodes)
	arrays["hgb.value"] = tensor.FromSlice(value, nodes)
}

// getHTrees reads nTrees boosted trees stored by putHTrees, split on d features. The bins
// of the splits, used only while fitting, are not restored.
func getHTrees(op string, arrays map[string]*tensor.Tensor, nTrees, d int) ([]*htree, error) {
	off, left, right, feature, err := links(op, arrays, "hgb.", nTrees)
	if err != nil {
		return nil, err
	}
	nodes := len(left)
	threshold, _, err := state.FloatsAllowing(op, arrays, "hgb.threshold", state.AllowInf, nodes)
	if err != nil {
		return nil, err
	}
	value, _, err := state.Floats(op, arrays, "hgb.value", nodes)
	if err != nil {
		return nil, err
	}
	ml, err := state.Array(op, arrays, "hgb.missing_left", tensor.Bool, nodes)
	if err != nil {
		return nil, err
	}
	missingLeft := ml.Bools()
	trees := make([]*htree, nTrees)
	for ti := range trees {
		lo, hi := int(off[ti]), int(off[ti+1])
		count := hi - lo
		t := &htree{threshold: threshold[lo:hi:hi], value: value[lo:hi:hi], missingLeft: missingLeft[lo:hi:hi],
			left: make([]int32, count), right: make([]int32, count), feature: make([]int32, count)}
		for i := range count {
			j := lo + i
			if _, err := checkChildren(op, ti, i, left[j], right[j], feature[j], count, d); err != nil {
				return nil, err
			}
			t.left[i], t.right[i], t.feature[i] = int32(left[j]), int32(right[j]), int32(feature[j])
		}
		trees[ti] = t
	}
	return trees, nil
}

// savedTree is the JSON state of a decision tree.
type savedTree struct {
	treeSettings
	RandomState uint64
	NClasses    int `json:",omitempty"`
	NFeaturesIn int
}

// savedForest is the JSON state of a random forest.
type savedForest struct {
	treeSettings
	forestSettings
	NClasses      int `json:",omitempty"`
	NFeaturesIn   int
	OOBScoreValue float64
}

// savedHGB is the JSON state of a histogram gradient boosting estimator.
type savedHGB struct {
	hgbSettings
	Loss            string
	NClasses        int `json:",omitempty"`
	NFeaturesIn     int
	NIter           int
	TrainScore      []float64
	ValidationScore []float64
}

// loadTrees checks the settings of a saved tree or forest on d features and nClasses
// classes (0: regression) as Fit does, and reads its nTrees trees and its
// "feature_importances" [d] (stored rather than recomputed: its length bounds d).
func loadTrees(op string, s treeSettings, d, nClasses, nTrees int, arrays map[string]*tensor.Tensor) ([]*tree, *tensor.Tensor, error) {
	if d < 1 {
		return nil, nil, fmt.Errorf("%s: NFeaturesIn must be ≥ 1, got %d", op, d)
	}
	if _, err := s.params(op, d, nClasses); err != nil {
		return nil, nil, err
	}
	imp, _, err := state.Floats(op, arrays, "feature_importances", d)
	if err != nil {
		return nil, nil, err
	}
	trees, err := getTrees(op, arrays, nTrees, max(nClasses, 1), d, nClasses > 0)
	return trees, tensor.FromSlice(imp, d), err
}

// MarshalState returns the tree's settings and scalar fitted attributes as JSON, and its
// classes and nodes (scikit-learn's tree_ arrays) by name; it is an error before Fit.
func (c *DecisionTreeClassifier) MarshalState() ([]byte, map[string]*tensor.Tensor, error) {
	const op = "decision tree classifier: marshal state"
	if c.t == nil {
		return nil, nil, state.NotFitted(op)
	}
	params, err := state.MarshalParams(op, savedTree{c.settings(), c.RandomState, c.NClasses, c.NFeaturesIn})
	if err != nil {
		return nil, nil, err
	}
	arrays := map[string]*tensor.Tensor{}
	putLabels(arrays, c.labels)
	putTrees(arrays, []*tree{c.t})
	arrays["feature_importances"] = c.FeatureImportances
	return params, arrays, nil
}

// UnmarshalState restores a fitted tree from what MarshalState returned, checking it.
func (c *DecisionTreeClassifier) UnmarshalState(params []byte, arrays map[string]*tensor.Tensor) error {
	const op = "decision tree classifier: unmarshal state"
	var s savedTree
	if err := state.UnmarshalParams(op, params, &s); err != nil {
		return err
	}
	l, err := getLabels(op, arrays, s.NClasses)
	if err != nil {
		return err
	}
	trees, imp, err := loadTrees(op, s.treeSettings, s.NFeaturesIn, s.NClasses, 1, arrays)
	if err != nil {
		return err
	}
	*c = DecisionTreeClassifier{Criterion: s.Criterion, MaxDepth: s.MaxDepth, MinSamplesSplit: s.MinSamplesSplit,
		MinSamplesLeaf: s.MinSamplesLeaf, MaxFeatures: s.MaxFeatures, MinImpurityDecrease: s.MinImpurityDecrease,
		RandomState: s.RandomState, Classes: l.tensor(l.classes), NClasses: s.NClasses, NFeaturesIn: s.NFeaturesIn,
		FeatureImportances: imp,
		fitted:             fitted{t: trees[0], nFeaturesIn: s.NFeaturesIn}, labels: l}
	return nil
}

// MarshalState returns the tree's settings and scalar fitted attributes as JSON, and its
// nodes (scikit-learn's tree_ arrays) by name; it is an error before Fit.
func (r *DecisionTreeRegressor) MarshalState() ([]byte, map[string]*tensor.Tensor, error) {
	const op = "decision tree regressor: marshal state"
	if r.t == nil {
		return nil, nil, state.NotFitted(op)
	}
	params, err := state.MarshalParams(op, savedTree{r.settings(), r.RandomState, 0, r.NFeaturesIn})
	if err != nil {
		return nil, nil, err
	}
	arrays := map[string]*tensor.Tensor{}
	putTrees(arrays, []*tree{r.t})
	arrays["feature_importances"] = r.FeatureImportances
	return params, arrays, nil
}

// UnmarshalState restores a fitted tree from what MarshalState returned, checking it.
func (r *DecisionTreeRegressor) UnmarshalState(params []byte, arrays map[string]*tensor.Tensor) error {
	const op = "decision tree regressor: unmarshal state"
	var s savedTree
	if err := state.UnmarshalParams(op, params, &s); err != nil {
		return err
	}
	if s.NClasses != 0 {
		return fmt.Errorf("%s: NClasses must be absent for a regressor, got %d", op, s.NClasses)
	}
	trees, imp, err := loadTrees(op, s.treeSettings, s.NFeaturesIn, 0, 1, arrays)
	if err != nil {
		return err
	}
	*r = DecisionTreeRegressor{Criterion: s.Criterion, MaxDepth: s.MaxDepth, MinSamplesSplit: s.MinSamplesSplit,
		MinSamplesLeaf: s.MinSamplesLeaf, MaxFeatures: s.MaxFeatures, MinImpurityDecrease: s.MinImpurityDecrease,
		RandomState: s.RandomState, NFeaturesIn: s.NFeaturesIn,
		FeatureImportances: imp, fitted: fitted{t: trees[0], nFeaturesIn: s.NFeaturesIn}}
	return nil
}

// loadForest checks a saved forest's settings and reads its trees and importances.
func loadForest(op string, s savedForest, nClasses int, arrays map[string]*tensor.Tensor) ([]*tree, *tensor.Tensor, error) {
	if err := s.forestSettings.check(op); err != nil {
		return nil, nil, err
	}
	if _, err := workers(op, s.NJobs); err != nil {
		return nil, nil, err
	}
	return loadTrees(op, s.treeSettings, s.NFeaturesIn, nClasses, s.NEstimators, arrays)
}

// stateOOB reads the out-of-bag values arrays[name], finite, of shape [n, k] (k = 0: [n]).
func stateOOB(op string, arrays map[string]*tensor.Tensor, name string, k int) (*tensor.Tensor, error) {
	shape := []int{-1}
	if k > 0 {
		shape = []int{-1, k}
	}
	t, err := state.Array(op, arrays, name, tensor.Float64, shape...)
	if err != nil {
		return nil, err
	}
	for i, v := range t.Float64s() {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("%s: array %q holds %g at %d", op, name, v, i)
		}
	}
	return t.Clone(), nil
}

// MarshalState returns the forest's settings and scalar fitted attributes as JSON, and its
// classes, trees and out-of-bag probabilities by name; it is an error before Fit.
func (f *RandomForestClassifier) MarshalState() ([]byte, map[string]*tensor.Tensor, error) {
	const op = "random forest classifier: marshal state"
	if f.trees == nil {
		return nil, nil, state.NotFitted(op)
	}
	ts, fs := f.settings()
	params, err := state.MarshalParams(op, savedForest{ts, fs, f.NClasses, f.NFeaturesIn, f.OOBScoreValue})
	if err != nil {
		return nil, nil, err
	}
	arrays := map[string]*tensor.Tensor{}
	putLabels(arrays, f.labels)
	putTrees(arrays, f.trees)
	arrays["feature_importances"] = f.FeatureImportances
	if f.OOBScore {
		arrays["oob_decision_function"] = f.OOBDecisionFunction
	}
	return params, arrays, nil
}

// UnmarshalState restores a fitted forest from what MarshalState returned, checking it.
func (f *RandomForestClassifier) UnmarshalState(params []byte, arrays map[string]*tensor.Tensor) error {
	const op = "random forest classifier: unmarshal state"
	var s savedForest
	if err := state.UnmarshalParams(op, params, &s); err != nil {
		return err
	}
	l, err := getLabels(op, arrays, s.NClasses)
	if err != nil {
		return err
	}
	trees, imp, err := loadForest(op, s, s.NClasses, arrays)
	if err != nil {
		return err
	}
	var oob *tensor.Tensor
	if s.OOBScore {
		if oob, err = stateOOB(op, arrays, "oob_decision_function", s.NClasses); err != nil {
			return err
		}
	}
	*f = RandomForestClassifier{NEstimators: s.NEstimators, Criterion: s.Criterion, MaxDepth: s.MaxDepth,
		MinSamplesSplit: s.MinSamplesSplit, MinSamplesLeaf: s.MinSamplesLeaf, MaxFeatures: s.MaxFeatures,
		MinImpurityDecrease: s.MinImpurityDecrease, Bootstrap: s.Bootstrap, OOBScore: s.OOBScore, NJobs: s.NJobs,
		RandomState: s.RandomState, Classes: l.tensor(l.classes), NClasses: s.NClasses,
		FeatureImportances: imp, OOBScoreValue: s.OOBScoreValue,
		OOBDecisionFunction: oob, NFeaturesIn: s.NFeaturesIn, trees: trees, labels: l}
	return nil
}

// MarshalState returns the forest's settings and scalar fitted attributes as JSON, and its
// trees and out-of-bag predictions by name; it is an error before Fit.
func (f *RandomForestRegressor) MarshalState() ([]byte, map[string]*tensor.Tensor, error) {
	const op = "random forest regressor: marshal state"
	if f.trees == nil {
		return nil, nil, state.NotFitted(op)
	}
	ts, fs := f.settings()
	params, err := state.MarshalParams(op, savedForest{ts, fs, 0, f.NFeaturesIn, f.OOBScoreValue})
	if err != nil {
		return nil, nil, err
	}
	arrays := map[string]*tensor.Tensor{}
	putTrees(arrays, f.trees)
	arrays["feature_importances"] = f.FeatureImportances
	if f.OOBScore {
		arrays["oob_prediction"] = f.OOBPrediction
	}
	return params, arrays, nil
}

// UnmarshalState restores a fitted forest from what MarshalState returned, checking it.
func (f *RandomForestRegressor) UnmarshalState(params []byte, arrays map[string]*tensor.Tensor) error {
	const op = "random forest regressor: unmarshal state"
	var s savedForest
	if err := state.UnmarshalParams(op, params, &s); err != nil {
		return err
	}
	if s.NClasses != 0 {
		return fmt.Errorf("%s: NClasses must be absent for a regressor, got %d", op, s.NClasses)
	}
	trees, imp, err := loadForest(op, s, 0, arrays)
	if err != nil {
		return err
	}
	var oob *tensor.Tensor
	if s.OOBScore {
		if oob, err = stateOOB(op, arrays, "oob_prediction", 0); err != nil {
			return err
		}
	}
	*f = RandomForestRegressor{NEstimators: s.NEstimators, Criterion: s.Criterion, MaxDepth: s.MaxDepth,
		MinSamplesSplit: s.MinSamplesSplit, MinSamplesLeaf: s.MinSamplesLeaf, MaxFeatures: s.MaxFeatures,
		MinImpurityDecrease: s.MinImpurityDecrease, Bootstrap: s.Bootstrap, OOBScore: s.OOBScore, NJobs: s.NJobs,
		RandomState: s.RandomState, FeatureImportances: imp,
		OOBScoreValue: s.OOBScoreValue, OOBPrediction: oob, NFeaturesIn: s.NFeaturesIn, trees: trees}
	return nil
}

// marshalBooster returns the state of a fitted booster with its JSON header s.
func marshalBooster(op string, b *booster, s savedHGB) ([]byte, map[string]*tensor.Tensor, error) {
	if b == nil {
		return nil, nil, state.NotFitted(op)
	}
	s.NIter, s.TrainScore, s.ValidationScore = len(b.trees), b.trainS, b.validS
	params, err := state.MarshalParams(op, s)
	if err != nil {
		return nil, nil, err
	}
	arrays := map[string]*tensor.Tensor{"baseline": tensor.FromSlice(b.baseline, b.k)}
	var trees []*htree
	for _, iter := range b.trees {
		trees = append(trees, iter...)
	}
	putHTrees(arrays, trees)
	return params, arrays, nil
}

// loadBooster checks a saved booster's settings (loss want, k trees per iteration) and
// reads it.
func loadBooster(op string, s savedHGB, want string, k int, arrays map[string]*tensor.Tensor) (*booster, error) {
	if err := s.hgbSettings.check(op); err != nil {
		return nil, err
	}
	switch {
	case s.Loss != want:
		return nil, lossError(op, s.Loss, want)
	case s.NFeaturesIn < 1:
		return nil, fmt.Errorf("%s: NFeaturesIn must be ≥ 1, got %d", op, s.NFeaturesIn)
	case s.NIter < 1 || s.NIter > s.MaxIter:
		return nil, fmt.Errorf("%s: NIter must be in [1, MaxIter = %d], got %d", op, s.MaxIter, s.NIter)
	}
	for _, v := range append(slices.Clone(s.TrainScore), s.ValidationScore...) {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("%s: scores must be finite, got %g", op, v)
		}
	}
	baseline, _, err := state.Floats(op, arrays, "baseline", k)
	if err != nil {
		return nil, err
	}
	trees, err := getHTrees(op, arrays, s.NIter*k, s.NFeaturesIn)
	if err != nil {
		return nil, err
	}
	b := &booster{baseline: baseline, k: k, nFeat: s.NFeaturesIn, trainS: s.TrainScore, validS: s.ValidationScore}
	for i := range s.NIter {
		b.trees = append(b.trees, trees[i*k:(i+1)*k:(i+1)*k])
	}
	return b, nil
}

// MarshalState returns the model's settings and scalar fitted attributes (scores included)
// as JSON, and its baseline and trees by name; it is an error before Fit.
func (m *HistGradientBoostingRegressor) MarshalState() ([]byte, map[string]*tensor.Tensor, error) {
	return marshalBooster("hist gradient boosting regressor: marshal state", m.b,
		savedHGB{hgbSettings: m.settings(), Loss: m.Loss, NFeaturesIn: m.NFeaturesIn})
}

// UnmarshalState restores a fitted model from what MarshalState returned, checking it.
func (m *HistGradientBoostingRegressor) UnmarshalState(params []byte, arrays map[string]*tensor.Tensor) error {
	const op = "hist gradient boosting regressor: unmarshal state"
	var s savedHGB
	if err := state.UnmarshalParams(op, params, &s); err != nil {
		return err
	}
	if s.NClasses != 0 {
		return fmt.Errorf("%s: NClasses must be absent for a regressor, got %d", op, s.NClasses)
	}
	b, err := loadBooster(op, s, "squared_error", 1, arrays)
	if err != nil {
		return err
	}
	*m = HistGradientBoostingRegressor{Loss: s.Loss, NIter: s.NIter, TrainScore: s.TrainScore,
		ValidationScore: s.ValidationScore, NFeaturesIn: s.NFeaturesIn, b: b}
	m.setSettings(s.hgbSettings)
	return nil
}

// MarshalState returns the model's settings and scalar fitted attributes (scores included)
// as JSON, and its classes, baselines and trees by name; it is an error before Fit.
func (m *HistGradientBoostingClassifier) MarshalState() ([]byte, map[string]*tensor.Tensor, error) {
	params, arrays, err := marshalBooster("hist gradient boosting classifier: marshal state", m.b,
		savedHGB{hgbSettings: m.settings(), Loss: m.Loss, NClasses: m.NClasses, NFeaturesIn: m.NFeaturesIn})
	if err == nil {
		putLabels(arrays, m.labels)
	}
	return params, arrays, err
}

// UnmarshalState restores a fitted model from what MarshalState returned, checking it.
func (m *HistGradientBoostingClassifier) UnmarshalState(params []byte, arrays map[string]*tensor.Tensor) error {
	const op = "hist gradient boosting classifier: unmarshal state"
	var s savedHGB
	if err := state.UnmarshalParams(op, params, &s); err != nil {
		return err
	}
	l, err := getLabels(op, arrays, s.NClasses)
	if err != nil {
		return err
	}
	k := 1
	if s.NClasses > 2 {
		k = s.NClasses
	}
	b, err := loadBooster(op, s, "log_loss", k, arrays)
	if err != nil {
		return err
	}
	*m = HistGradientBoostingClassifier{Loss: s.Loss, Classes: l.tensor(l.classes), NClasses: s.NClasses,
		NIter: s.NIter, NTreesPerIteration: k, TrainScore: s.TrainScore, ValidationScore: s.ValidationScore,
		NFeaturesIn: s.NFeaturesIn, b: b, labels: l}
	m.setSettings(s.hgbSettings)
	return nil
}
