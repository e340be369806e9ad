package ensemble

import (
	"fmt"

	"github.com/ember-ml/ember/internal/inputs"
	"github.com/ember-ml/ember/tensor"
)

// HistGradientBoostingRegressor is scikit-learn's HistGradientBoostingRegressor with the
// squared-error loss: features are binned into at most MaxBins quantile bins (NaN has a bin
// of its own), the prediction starts at the mean target and each iteration adds a tree
// grown best first on the histograms of the gradients, scaled by LearningRate. A split
// needs MinSamplesLeaf samples and a hessian of 1e-3 on each side and a positive gain;
// L2Regularization is added to the hessians. Missing values (NaN) go to the side that
// lowers the loss, or, for features without NaN in training, to the larger child. With
// early stopping a ValidationFraction of the samples is held out and boosting stops when
// the validation loss has not improved by more than Tol for NIterNoChange iterations. The
// arithmetic is float64 (scikit-learn keeps gradients in float32) and the random numbers
// (binning subsample, validation split) are not NumPy's.
type HistGradientBoostingRegressor struct {
	Loss               string  // "squared_error" (default; the only one)
	LearningRate       float64 // shrinkage of each tree (default 0.1)
	MaxIter            int     // boosting iterations (default 100)
	MaxLeafNodes       int     // leaves per tree (default 31; 0: unlimited)
	MaxDepth           int     // 0 (default): unlimited
	MinSamplesLeaf     int     // default 20
	L2Regularization   float64 // default 0
	MaxBins            int     // bins for non-missing values, 2..255 (default 255)
	EarlyStopping      string  // "auto" (default: on when there are more than 10,000 samples), "on" or "off"
	ValidationFraction float64 // held-out fraction for early stopping (default 0.1)
	NIterNoChange      int     // default 10
	Tol                float64 // absolute loss improvement that counts (default 1e-7)
	RandomState        uint64  // seed of the binning subsample and the validation split

	NIter           int       // iterations run
	TrainScore      []float64 // −loss on the training part, before and after each iteration (early stopping only)
	ValidationScore []float64 // −loss on the validation part, likewise
	NFeaturesIn     int

	b *booster
}

func hgbDefaults() hgbSettings {
	return hgbSettings{LearningRate: 0.1, MaxIter: 100, MaxLeafNodes: 31, MinSamplesLeaf: 20, MaxBins: 255,
		EarlyStopping: "auto", ValidationFraction: 0.1, NIterNoChange: 10, Tol: 1e-7}
}

// NewHistGradientBoostingRegressor returns a regressor with scikit-learn's defaults.
func NewHistGradientBoostingRegressor() *HistGradientBoostingRegressor {
	d := hgbDefaults()
	return &HistGradientBoostingRegressor{Loss: "squared_error", LearningRate: d.LearningRate, MaxIter: d.MaxIter,
		MaxLeafNodes: d.MaxLeafNodes, MinSamplesLeaf: d.MinSamplesLeaf, MaxBins: d.MaxBins, EarlyStopping: d.EarlyStopping,
		ValidationFraction: d.ValidationFraction, NIterNoChange: d.NIterNoChange, Tol: d.Tol}
}

func (m *HistGradientBoostingRegressor) settings() hgbSettings {
	return hgbSettings{m.LearningRate, m.MaxIter, m.MaxLeafNodes, m.MaxDepth, m.MinSamplesLeaf, m.L2Regularization,
		m.MaxBins, m.EarlyStopping, m.ValidationFraction, m.NIterNoChange, m.Tol, m.RandomState}
}

func (m *HistGradientBoostingRegressor) setSettings(s hgbSettings) {
	m.LearningRate, m.MaxIter, m.MaxLeafNodes, m.MaxDepth, m.MinSamplesLeaf = s.LearningRate, s.MaxIter, s.MaxLeafNodes, s.MaxDepth, s.MinSamplesLeaf
	m.L2Regularization, m.MaxBins, m.EarlyStopping, m.ValidationFraction = s.L2Regularization, s.MaxBins, s.EarlyStopping, s.ValidationFraction
	m.NIterNoChange, m.Tol, m.RandomState = s.NIterNoChange, s.Tol, s.RandomState
}

// Fit boosts trees on X [samples, features] (NaN allowed) and targets y [samples].
func (m *HistGradientBoostingRegressor) Fit(X, y *tensor.Tensor) error {
	const op = "hist gradient boosting regressor"
	x, err := readX(op, X, inputs.AllowNaN)
	if err != nil {
		return err
	}
	v, err := inputs.ReadY(op, y, x.n)
	if err != nil {
		return err
	}
	if m.Loss != "squared_error" {
		return lossError(op, m.Loss, "squared_error")
	}
	b, err := boost(op, m.settings(), x, v, squaredLoss{}, 1, false)
	if err != nil {
		return err
	}
	m.b, m.NIter, m.NFeaturesIn = b, len(b.trees), x.d
	m.TrainScore, m.ValidationScore = b.trainS, b.validS
	return nil
}

// Predict returns the boosted predictions, float64 [samples].
func (m *HistGradientBoostingRegressor) Predict(X *tensor.Tensor) (*tensor.Tensor, error) {
	x, err := readFitted("hist gradient boosting regressor: predict", X, m.NFeaturesIn, inputs.AllowNaN)
	if err != nil {
		return nil, err
	}
	return tensor.FromSlice(m.b.raw(x), x.n), nil
}

// Score returns the R² of Predict(X) against y.
func (m *HistGradientBoostingRegressor) Score(X, y *tensor.Tensor) (float64, error) {
	pred, err := m.Predict(X)
	if err != nil {
		return 0, err
	}
	return r2Score("hist gradient boosting regressor: score", pred, y)
}

// HistGradientBoostingClassifier is scikit-learn's HistGradientBoostingClassifier with the
// log loss: one tree per iteration on the logit for two classes, one per class on the
// softmax logits for more. Binning, growth, missing values and early stopping (with a
// validation split stratified by class) are those of HistGradientBoostingRegressor.
type HistGradientBoostingClassifier struct {
	Loss               string  // "log_loss" (default; the only one)
	LearningRate       float64 // shrinkage of each tree (default 0.1)
	MaxIter            int     // boosting iterations (default 100)
	MaxLeafNodes       int     // leaves per tree (default 31; 0: unlimited)
	MaxDepth           int     // 0 (default): unlimited
	MinSamplesLeaf     int     // default 20
	L2Regularization   float64 // default 0
	MaxBins            int     // bins for non-missing values, 2..255 (default 255)
	EarlyStopping      string  // "auto" (default: on when there are more than 10,000 samples), "on" or "off"
	ValidationFraction float64 // held-out fraction for early stopping (default 0.1)
	NIterNoChange      int     // default 10
	Tol                float64 // absolute loss improvement that counts (default 1e-7)
	RandomState        uint64  // seed of the binning subsample and the validation split

	Classes            *tensor.Tensor // sorted distinct labels, the dtype of y
	NClasses           int
	NIter              int       // iterations run
	NTreesPerIteration int       // 1 for two classes, else the number of classes
	TrainScore         []float64 // −loss on the training part, before and after each iteration (early stopping only)
	ValidationScore    []float64 // −loss on the validation part, likewise
	NFeaturesIn        int

	b      *booster
	labels labels
}

// NewHistGradientBoostingClassifier returns a classifier with scikit-learn's defaults.
func NewHistGradientBoostingClassifier() *HistGradientBoostingClassifier {
	d := hgbDefaults()
	return &HistGradientBoostingClassifier{Loss: "log_loss", LearningRate: d.LearningRate, MaxIter: d.MaxIter,
		MaxLeafNodes: d.MaxLeafNodes, MinSamplesLeaf: d.MinSamplesLeaf, MaxBins: d.MaxBins, EarlyStopping: d.EarlyStopping,
		ValidationFraction: d.ValidationFraction, NIterNoChange: d.NIterNoChange, Tol: d.Tol}
}

func (m *HistGradientBoostingClassifier) settings() hgbSettings {
	return hgbSettings{m.LearningRate, m.MaxIter, m.MaxLeafNodes, m.MaxDepth, m.MinSamplesLeaf, m.L2Regularization,
		m.MaxBins, m.EarlyStopping, m.ValidationFraction, m.NIterNoChange, m.Tol, m.RandomState}
}

func (m *HistGradientBoostingClassifier) setSettings(s hgbSettings) {
	m.LearningRate, m.MaxIter, m.MaxLeafNodes, m.MaxDepth, m.MinSamplesLeaf = s.LearningRate, s.MaxIter, s.MaxLeafNodes, s.MaxDepth, s.MinSamplesLeaf
	m.L2Regularization, m.MaxBins, m.EarlyStopping, m.ValidationFraction = s.L2Regularization, s.MaxBins, s.EarlyStopping, s.ValidationFraction
	m.NIterNoChange, m.Tol, m.RandomState = s.NIterNoChange, s.Tol, s.RandomState
}

// Fit boosts trees on X [samples, features] (NaN allowed) and class labels y [samples].
func (m *HistGradientBoostingClassifier) Fit(X, y *tensor.Tensor) error {
	const op = "hist gradient boosting classifier"
	x, err := readX(op, X, inputs.AllowNaN)
	if err != nil {
		return err
	}
	l, err := encodeLabels(op, y, x.n)
	if err != nil {
		return err
	}
	if m.Loss != "log_loss" {
		return lossError(op, m.Loss, "log_loss")
	}
	codes := make([]float64, x.n)
	for i, c := range l.codes {
		codes[i] = float64(c)
	}
	k := len(l.classes)
	var loss hgbLoss = binomialLoss{}
	trees := 1
	if k > 2 {
		loss, trees = multinomialLoss{k: k}, k
	}
	b, err := boost(op, m.settings(), x, codes, loss, trees, true)
	if err != nil {
		return err
	}
	m.b, m.labels, m.NClasses, m.NIter, m.NFeaturesIn = b, l, k, len(b.trees), x.d
	m.NTreesPerIteration, m.Classes = b.k, l.tensor(l.classes)
	m.TrainScore, m.ValidationScore = b.trainS, b.validS
	return nil
}

// PredictProba returns the class probabilities, float64 [samples, classes].
func (m *HistGradientBoostingClassifier) PredictProba(X *tensor.Tensor) (*tensor.Tensor, error) {
	x, err := readFitted("hist gradient boosting classifier: predict", X, m.NFeaturesIn, inputs.AllowNaN)
	if err != nil {
		return nil, err
	}
	return tensor.FromSlice(m.proba(x), x.n, m.NClasses), nil
}

func (m *HistGradientBoostingClassifier) proba(x matrix) []float64 {
	raw := m.b.raw(x)
	k := m.NClasses
	out := make([]float64, x.n*k)
	for i := range x.n {
		if m.b.k == 1 {
			p := expit(raw[i])
			out[2*i], out[2*i+1] = 1-p, p
			continue
		}
		softmax(raw[i*k:(i+1)*k], out[i*k:(i+1)*k])
	}
	return out
}

// Predict returns the most probable class of each sample, in y's dtype.
func (m *HistGradientBoostingClassifier) Predict(X *tensor.Tensor) (*tensor.Tensor, error) {
	x, err := readFitted("hist gradient boosting classifier: predict", X, m.NFeaturesIn, inputs.AllowNaN)
	if err != nil {
		return nil, err
	}
	return m.labels.argmaxLabels(m.proba(x), m.NClasses), nil
}

// Score returns the accuracy of Predict(X) against y.
func (m *HistGradientBoostingClassifier) Score(X, y *tensor.Tensor) (float64, error) {
	pred, err := m.Predict(X)
	if err != nil {
		return 0, err
	}
	return accuracy("hist gradient boosting classifier: score", pred, y)
}

// lossError reports an unsupported loss.
func lossError(op, got, want string) error {
	return fmt.Errorf("%s: Loss must be %q, got %q", op, want, got)
}
