package neighbors

import (
	"github.com/ember-ml/ember/internal/inputs"
	"github.com/ember-ml/ember/internal/scoring"
	"github.com/ember-ml/ember/tensor"
)

// KNeighborsRegressor is scikit-learn's KNeighborsRegressor: a query's prediction is the
// (weighted) mean target of its NNeighbors nearest training samples.
type KNeighborsRegressor struct {
	Params

	NFeaturesIn     int    // features seen by Fit
	NSamplesFit     int    // training samples
	FitMethod       string // algorithm used: "brute" or "kd_tree"
	EffectiveMetric string // metric used ("minkowski" P 1 and 2 become "manhattan" and "euclidean")

	ix *index
	y  []float64
}

// NewKNeighborsRegressor returns a regressor with scikit-learn's defaults (5 neighbours).
func NewKNeighborsRegressor() *KNeighborsRegressor {
	return &KNeighborsRegressor{Params: defaultParams()}
}

// Fit stores X [samples, features] and the targets y [samples].
func (r *KNeighborsRegressor) Fit(X, y *tensor.Tensor) error {
	const op = "kneighbors regressor"
	x, err := readX(op, X)
	if err != nil {
		return err
	}
	yv, err := inputs.ReadY(op, y, x.n)
	if err != nil {
		return err
	}
	ix, err := r.Params.build(op, x, X.DType() == tensor.Float32)
	if err != nil {
		return err
	}
	r.ix, r.y = ix, yv
	r.NFeaturesIn, r.NSamplesFit, r.FitMethod, r.EffectiveMetric = x.d, x.n, ix.method, ix.m.name
	return nil
}

// KNeighbors returns the distances and indices of the k nearest training samples of each
// row of X, both [queries, k], sorted by distance (ties by index).
func (r *KNeighborsRegressor) KNeighbors(X *tensor.Tensor, k int) (dist, idx *tensor.Tensor, err error) {
	return r.ix.kneighbors("kneighbors regressor: KNeighbors", X, k)
}

// Predict returns the (weighted) mean target of each query's neighbours, float64 [queries].
func (r *KNeighborsRegressor) Predict(X *tensor.Tensor) (*tensor.Tensor, error) {
	pred, err := r.predict("kneighbors regressor: Predict", X)
	if err != nil {
		return nil, err
	}
	return tensor.FromSlice(pred, len(pred)), nil
}

func (r *KNeighborsRegressor) predict(op string, X *tensor.Tensor) ([]float64, error) {
	q, err := r.ix.readPredict(op, X, r.Params)
	if err != nil {
		return nil, err
	}
	k := r.NNeighbors
	dist, idx := r.ix.query(q, k)
	pred := make([]float64, q.n)
	w := make([]float64, k)
	for i := range q.n {
		weights(r.Weights, dist[i*k:(i+1)*k], w)
		var num, den float64
		for j, t := range idx[i*k : (i+1)*k] {
			num += w[j] * r.y[t]
			den += w[j]
		}
		pred[i] = num / den
	}
	return pred, nil
}

// Score returns the coefficient of determination R² = 1 − Σ(y−ŷ)²/Σ(y−ȳ)² of Predict(X)
// against y (1 when y is constant and predicted exactly, 0 when constant otherwise).
func (r *KNeighborsRegressor) Score(X, y *tensor.Tensor) (float64, error) {
	const op = "kneighbors regressor: Score"
	pred, err := r.predict(op, X)
	if err != nil {
		return 0, err
	}
	yv, err := inputs.ReadY(op, y, len(pred))
	if err != nil {
		return 0, err
	}
	return scoring.R2(yv, pred), nil
}
