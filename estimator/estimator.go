package estimator

import (
	"fmt"
	"path"
	"reflect"
	"slices"
	"strings"

	"github.com/ember-ml/ember/cluster"
	"github.com/ember-ml/ember/data"
	"github.com/ember-ml/ember/decomp"
	"github.com/ember-ml/ember/ensemble"
	"github.com/ember-ml/ember/features"
	"github.com/ember-ml/ember/linear"
	"github.com/ember-ml/ember/neighbors"
	"github.com/ember-ml/ember/svm"
	"github.com/ember-ml/ember/tensor"
)

// Supervised is an estimator fitted on inputs X [samples, features] and targets y [samples].
type Supervised interface {
	Fit(X, y *tensor.Tensor) error
}

// Transformer is fitted on X alone and maps X to new features.
type Transformer interface {
	Fit(X *tensor.Tensor) error
	Transform(X *tensor.Tensor) (*tensor.Tensor, error)
}

// Predictor predicts a label or value per row of X.
type Predictor interface {
	Predict(X *tensor.Tensor) (*tensor.Tensor, error)
}

// ProbaPredictor gives class probabilities [samples, classes].
type ProbaPredictor interface {
	PredictProba(X *tensor.Tensor) (*tensor.Tensor, error)
}

// Scorer returns scikit-learn's default score: accuracy for classifiers, R² for regressors.
type Scorer interface {
	Score(X, y *tensor.Tensor) (float64, error)
}

// Stateful is a fitted estimator that can be saved: its settings and scalar attributes as JSON
// and its arrays by name. UnmarshalState validates untrusted input.
type Stateful interface {
	MarshalState() (params []byte, arrays map[string]*tensor.Tensor, err error)
	UnmarshalState(params []byte, arrays map[string]*tensor.Tensor) error
}

// kinds are the estimator types Load can rebuild, by kind name ("svm.SVC").
var kinds = map[string]reflect.Type{}

func init() {
	for _, v := range []any{
		(*cluster.KMeans)(nil), (*cluster.MiniBatchKMeans)(nil), (*cluster.MeanShift)(nil),
		(*cluster.GaussianMixture)(nil), (*cluster.DBSCAN)(nil), (*cluster.AgglomerativeClustering)(nil),
		(*cluster.SpectralClustering)(nil),
		(*decomp.PCA)(nil), (*decomp.TruncatedSVD)(nil), (*decomp.FastICA)(nil), (*decomp.KernelPCA)(nil),
		(*features.PolynomialFeatures)(nil), (*features.RBF)(nil), (*features.RBFSampler)(nil), (*features.OneHotEncoder)(nil),
		(*features.SimpleImputer)(nil),
		(*data.StandardScaler)(nil), (*data.MinMaxScaler)(nil),
		(*neighbors.KNeighborsClassifier)(nil), (*neighbors.KNeighborsRegressor)(nil),
		(*linear.LinearRegression)(nil), (*linear.Ridge)(nil), (*linear.Lasso)(nil), (*linear.ElasticNet)(nil),
		(*linear.LogisticRegression)(nil), (*linear.KernelRidge)(nil),
		(*svm.SVC)(nil), (*svm.SVR)(nil), (*svm.LinearSVC)(nil),
		(*ensemble.DecisionTreeClassifier)(nil), (*ensemble.DecisionTreeRegressor)(nil),
		(*ensemble.RandomForestClassifier)(nil), (*ensemble.RandomForestRegressor)(nil),
		(*ensemble.HistGradientBoostingClassifier)(nil), (*ensemble.HistGradientBoostingRegressor)(nil),
	} {
		t := reflect.TypeOf(v).Elem()
		kinds[kindOfType(t)] = t
	}
}

func kindOfType(t reflect.Type) string { return path.Base(t.PkgPath()) + "." + t.Name() }

// Kinds lists the kind names of the estimators that can be saved, sorted.
func Kinds() []string {
	out := make([]string, 0, len(kinds))
	for k := range kinds {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// KindOf returns est's kind name ("svm.SVC", or "pipeline" for a *Pipeline), or an error if
// est is not an estimator Load can rebuild.
func KindOf(est any) (string, error) {
	if _, ok := est.(*Pipeline); ok {
		return pipelineKind, nil
	}
	t := reflect.TypeOf(est)
	if t == nil || t.Kind() != reflect.Pointer || t.Elem().Kind() != reflect.Struct {
		return "", fmt.Errorf("estimator: %T is not a pointer to an estimator", est)
	}
	k := kindOfType(t.Elem())
	if kinds[k] != t.Elem() {
		return "", fmt.Errorf("estimator: %T is not one of the saveable estimators (%s)", est, strings.Join(Kinds(), ", "))
	}
	return k, nil
}

// New returns a zero estimator of the given kind, ready for UnmarshalState.
func New(kind string) (Stateful, error) {
	if kind == pipelineKind {
		return &Pipeline{}, nil
	}
	t, ok := kinds[kind]
	if !ok {
		return nil, fmt.Errorf("estimator: unknown kind %q", kind)
	}
	s, ok := reflect.New(t).Interface().(Stateful)
	if !ok {
		return nil, fmt.Errorf("estimator: %s cannot be saved or loaded", kind)
	}
	return s, nil
}

// stateful returns est as a Stateful with its kind.
func stateful(est any) (Stateful, string, error) {
	kind, err := KindOf(est)
	if err != nil {
		return nil, "", err
	}
	s, ok := est.(Stateful)
	if !ok {
		return nil, "", fmt.Errorf("estimator: %s cannot be saved", kind)
	}
	return s, kind, nil
}
