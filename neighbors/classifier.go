package neighbors

import (
	"github.com/ember-ml/ember/internal/inputs"
	"github.com/ember-ml/ember/tensor"
)

// KNeighborsClassifier is scikit-learn's KNeighborsClassifier: a query's class is the
// (weighted) majority class of its NNeighbors nearest training samples.
type KNeighborsClassifier struct {
	Params

	Classes         *tensor.Tensor // sorted distinct labels, int64 [classes]
	NFeaturesIn     int            // features seen by Fit
	NSamplesFit     int            // training samples
	FitMethod       string         // algorithm used: "brute" or "kd_tree"
	EffectiveMetric string         // metric used ("minkowski" P 1 and 2 become "manhattan" and "euclidean")

	ix      *index
	classes []int64
	y       []int // class index of each training sample
}

// NewKNeighborsClassifier returns a classifier with scikit-learn's defaults (5 neighbours).
func NewKNeighborsClassifier() *KNeighborsClassifier {
	return &KNeighborsClassifier{Params: defaultParams()}
}

// Fit stores X [samples, features] and the integer labels y [samples].
func (c *KNeighborsClassifier) Fit(X, y *tensor.Tensor) error {
	const op = "kneighbors classifier"
	x, err := readX(op, X)
	if err != nil {
		return err
	}
	yv, err := inputs.ReadY(op, y, x.n)
	if err != nil {
		return err
	}
	classes, enc, err := encodeLabels(op, yv)
	if err != nil {
		return err
	}
	ix, err := c.Params.build(op, x, X.DType() == tensor.Float32)
	if err != nil {
		return err
	}
	c.ix, c.classes, c.y = ix, classes, enc
	c.Classes = tensor.FromSlice(append([]int64(nil), classes...), len(classes))
	c.NFeaturesIn, c.NSamplesFit, c.FitMethod, c.EffectiveMetric = x.d, x.n, ix.method, ix.m.name
	return nil
}

// KNeighbors returns the distances and indices of the k nearest training samples of each
// row of X, both [queries, k], sorted by distance (ties by index).
func (c *KNeighborsClassifier) KNeighbors(X *tensor.Tensor, k int) (dist, idx *tensor.Tensor, err error) {
	return c.ix.kneighbors("kneighbors classifier: KNeighbors", X, k)
}

// votes returns each query's (weighted) class votes, row-major [queries·classes].
func (c *KNeighborsClassifier) votes(op string, X *tensor.Tensor) ([]float64, int, error) {
	q, err := c.ix.readPredict(op, X, c.Params)
	if err != nil {
		return nil, 0, err
	}
	k, nc := c.NNeighbors, len(c.classes)
	dist, idx := c.ix.query(q, k)
	out := make([]float64, q.n*nc)
	w := make([]float64, k)
	for i := range q.n {
		weights(c.Weights, dist[i*k:(i+1)*k], w)
		for j, t := range idx[i*k : (i+1)*k] {
			out[i*nc+c.y[t]] += w[j]
		}
	}
	return out, q.n, nil
}

// PredictProba returns each query's class probabilities [queries, classes], in the order
// of Classes: the normalised (weighted) votes of its neighbours.
func (c *KNeighborsClassifier) PredictProba(X *tensor.Tensor) (*tensor.Tensor, error) {
	v, n, err := c.votes("kneighbors classifier: PredictProba", X)
	if err != nil {
		return nil, err
	}
	nc := len(c.classes)
	for i := range n {
		row := v[i*nc : (i+1)*nc]
		s := 0.0
		for _, x := range row {
			s += x
		}
		if s == 0 {
			s = 1
		}
		for j := range row {
			row[j] /= s
		}
	}
	return tensor.FromSlice(v, n, nc), nil
}

// Predict returns the class of each query, int64 [queries]; tied votes go to the
// smallest class.
func (c *KNeighborsClassifier) Predict(X *tensor.Tensor) (*tensor.Tensor, error) {
	pred, err := c.predict("kneighbors classifier: Predict", X)
	if err != nil {
		return nil, err
	}
	return tensor.FromSlice(pred, len(pred)), nil
}

func (c *KNeighborsClassifier) predict(op string, X *tensor.Tensor) ([]int64, error) {
	v, n, err := c.votes(op, X)
	if err != nil {
		return nil, err
	}
	nc := len(c.classes)
	pred := make([]int64, n)
	for i := range n {
		best := 0
		for j := 1; j < nc; j++ {
			if v[i*nc+j] > v[i*nc+best] {
				best = j
			}
		}
		pred[i] = c.classes[best]
	}
	return pred, nil
}

// Score returns the accuracy of Predict(X) against the labels y: the fraction of
// queries whose predicted class equals y.
func (c *KNeighborsClassifier) Score(X, y *tensor.Tensor) (float64, error) {
	const op = "kneighbors classifier: Score"
	pred, err := c.predict(op, X)
	if err != nil {
		return 0, err
	}
	yv, err := inputs.ReadY(op, y, len(pred))
	if err != nil {
		return 0, err
	}
	hit := 0
	for i, p := range pred {
		if float64(p) == yv[i] {
			hit++
		}
	}
	return float64(hit) / float64(len(pred)), nil
}
