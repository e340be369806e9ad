package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ember-ml/ember/data"
	"github.com/ember-ml/ember/data/synth"
	"github.com/ember-ml/ember/ensemble"
	"github.com/ember-ml/ember/estimator"
	"github.com/ember-ml/ember/linear"
	"github.com/ember-ml/ember/neighbors"
	"github.com/ember-ml/ember/svm"
	"github.com/ember-ml/ember/tensor"
)

// classicOptions are the estimator flags of "ember train" for the classical models, with
// scikit-learn's defaults.
type classicOptions struct {
	k                   int
	weights             string
	kernel, gamma       string
	c, epsilon          float64
	degree              int
	trees, maxDepth     int
	maxIter, nJobs      int
	alpha, learningRate float64
}

func classicFlags(fs *flag.FlagSet, o *classicOptions) {
	fs.IntVar(&o.k, "k", 5, "knn: neighbours per query (n_neighbors)")
	fs.StringVar(&o.weights, "weights", "uniform", "knn: uniform, or distance (1/distance)")
	fs.StringVar(&o.kernel, "kernel", "rbf", "svm: rbf, linear, poly or sigmoid")
	fs.Float64Var(&o.c, "C", 1, "svm and logreg: inverse regularisation strength, > 0")
	fs.StringVar(&o.gamma, "gamma", "scale", "svm (rbf, poly, sigmoid): scale (1/(features·X.var())), auto (1/features) or a positive number")
	fs.IntVar(&o.degree, "degree", 3, "svm: degree of the poly kernel")
	fs.Float64Var(&o.epsilon, "epsilon", 0.1, "svm on a regression target (SVR): half-width of the tube without loss")
	fs.IntVar(&o.trees, "trees", 100, "forest: number of trees (n_estimators)")
	fs.IntVar(&o.maxDepth, "max-depth", 0, "forest and boosting: tree depth limit (0: unlimited, scikit-learn's None)")
	fs.IntVar(&o.maxIter, "max-iter", 100, "boosting: boosting iterations; logreg: L-BFGS iterations")
	fs.Float64Var(&o.alpha, "alpha", 1, "ridge: penalty strength, ≥ 0")
	fs.Float64Var(&o.learningRate, "learning-rate", 0.1, "boosting: shrinkage of each tree, > 0")
	fs.IntVar(&o.nJobs, "n-jobs", 1, "forest: goroutines building trees (−1: all CPUs)")
}

// family is one --model value for a classical estimator: a classifier, a regressor, or both.
type family struct {
	name       string
	flags      []string                      // estimator flags that apply
	classifier func(o *trainOptions) any     // nil: no classifier
	regressor  func(o *trainOptions) any     // nil: no regressor
	hint       string                        // what to use instead when the task does not fit
	check      func(o *classicOptions) error // validates the flags' values
}

// families lists the classical models in the order compare trains them.
var families = []family{
	{name: "knn", flags: []string{"k", "weights"},
		classifier: func(o *trainOptions) any {
			m := neighbors.NewKNeighborsClassifier()
			m.NNeighbors, m.Weights = o.classic.k, o.classic.weights
			return m
		},
		regressor: func(o *trainOptions) any {
			m := neighbors.NewKNeighborsRegressor()
			m.NNeighbors, m.Weights = o.classic.k, o.classic.weights
			return m
		},
		check: func(o *classicOptions) error {
			if o.k <= 0 {
				return usagef("--k must be positive, got %d", o.k)
			}
			if o.weights != "uniform" && o.weights != "distance" {
				return usagef("unknown --weights %q: want uniform or distance", o.weights)
			}
			return nil
		}},
	{name: "svm", flags: []string{"kernel", "C", "gamma", "degree", "epsilon"},
		classifier: func(o *trainOptions) any {
			m := svm.NewSVC()
			m.C, m.Kernel, m.Gamma, m.Degree, m.RandomState = o.classic.c, o.classic.kernel, o.classic.gamma, o.classic.degree, o.seed
			return m
		},
		regressor: func(o *trainOptions) any {
			m := svm.NewSVR()
			m.C, m.Kernel, m.Gamma, m.Degree, m.Epsilon = o.classic.c, o.classic.kernel, o.classic.gamma, o.classic.degree, o.classic.epsilon
			return m
		},
		check: func(o *classicOptions) error {
			if err := checkC(o.c); err != nil {
				return err
			}
			if !slices.Contains([]string{"rbf", "linear", "poly", "sigmoid"}, o.kernel) {
				return usagef("unknown --kernel %q: want rbf, linear, poly or sigmoid", o.kernel)
			}
			if o.gamma != "scale" && o.gamma != "auto" {
				if g, err := strconv.ParseFloat(o.gamma, 64); err != nil || !(g > 0) || math.IsInf(g, 0) {
					return usagef("invalid --gamma %q: want scale, auto or a positive number", o.gamma)
				}
			}
			if o.degree < 0 {
				return usagef("--degree must be ≥ 0, got %d", o.degree)
			}
			if !(o.epsilon >= 0) || math.IsInf(o.epsilon, 0) {
				return usagef("--epsilon must be ≥ 0, got %g", o.epsilon)
			}
			return nil
		}},
	{name: "forest", flags: []string{"trees", "max-depth", "n-jobs"},
		classifier: func(o *trainOptions) any {
			m := ensemble.NewRandomForestClassifier()
			m.NEstimators, m.MaxDepth, m.NJobs, m.RandomState = o.classic.trees, o.classic.maxDepth, o.classic.nJobs, o.seed
			return m
		},
		regressor: func(o *trainOptions) any {
			m := ensemble.NewRandomForestRegressor()
			m.NEstimators, m.MaxDepth, m.NJobs, m.RandomState = o.classic.trees, o.classic.maxDepth, o.classic.nJobs, o.seed
			return m
		},
		check: func(o *classicOptions) error {
			switch {
			case o.trees <= 0:
				return usagef("--trees must be positive, got %d", o.trees)
			case o.maxDepth < 0:
				return usagef("--max-depth must be ≥ 0 (0: unlimited), got %d", o.maxDepth)
			case o.nJobs == 0:
				return usagef("--n-jobs must be positive, or negative for all CPUs (−1), got 0")
			}
			return nil
		}},
	{name: "boosting", flags: []string{"max-depth", "max-iter", "learning-rate"},
		classifier: func(o *trainOptions) any {
			m := ensemble.NewHistGradientBoostingClassifier()
			m.LearningRate, m.MaxIter, m.MaxDepth, m.RandomState = o.classic.learningRate, o.classic.maxIter, o.classic.maxDepth, o.seed
			return m
		},
		regressor: func(o *trainOptions) any {
			m := ensemble.NewHistGradientBoostingRegressor()
			m.LearningRate, m.MaxIter, m.MaxDepth, m.RandomState = o.classic.learningRate, o.classic.maxIter, o.classic.maxDepth, o.seed
			return m
		},
		check: func(o *classicOptions) error {
			switch {
			case o.maxDepth < 0:
				return usagef("--max-depth must be ≥ 0 (0: none), got %d", o.maxDepth)
			case o.maxIter <= 0:
				return usagef("--max-iter must be positive, got %d", o.maxIter)
			case !(o.learningRate > 0) || math.IsInf(o.learningRate, 0):
				return usagef("--learning-rate must be positive, got %g", o.learningRate)
			}
			return nil
		}},
	{name: "logreg", flags: []string{"C", "max-iter"},
		classifier: func(o *trainOptions) any {
			m := linear.NewLogisticRegression()
			m.C, m.MaxIter = o.classic.c, o.classic.maxIter
			return m
		},
		hint: "for regression use linear or ridge",
		check: func(o *classicOptions) error {
			if o.maxIter <= 0 {
				return usagef("--max-iter must be positive, got %d", o.maxIter)
			}
			return checkC(o.c)
		}},
	{name: "linear",
		regressor: func(o *trainOptions) any { return linear.NewLinearRegression() },
		hint:      "for classification use logreg"},
	{name: "ridge", flags: []string{"alpha"},
		regressor: func(o *trainOptions) any {
			m := linear.NewRidge()
			m.Alpha = o.classic.alpha
			return m
		},
		hint: "for classification use logreg",
		check: func(o *classicOptions) error {
			if !(o.alpha >= 0) || math.IsInf(o.alpha, 0) {
				return usagef("--alpha must be ≥ 0, got %g", o.alpha)
			}
			return nil
		}},
}

func checkC(c float64) error {
	if !(c > 0) || math.IsInf(c, 0) {
		return usagef("--C must be > 0, got %g", c)
	}
	return nil
}

// modelNames lists every --model value, the networks first.
func modelNames() []string {
	names := []string{"mlp", "cnn"}
	for _, f := range families {
		names = append(names, f.name)
	}
	return names
}

func familyByName(name string) (family, bool) {
	i := slices.IndexFunc(families, func(f family) bool { return f.name == name })
	if i < 0 {
		return family{}, false
	}
	return families[i], true
}

// mlpOnlyFlags are the flags of the network training loop.
var mlpOnlyFlags = []string{"hidden", "activation", "loss", "optimizer", "scheduler", "lr", "dropout", "weight-decay", "batch-size",
	"epochs", "val-split", "early-stopping", "checkpoint-dir", "resume", "log"}

// checkModelFlags rejects an unknown --model and flags given explicitly (set) that do not
// apply to it.
func (o *trainOptions) checkModelFlags(set map[string]bool) error {
	fam, classical := familyByName(o.model)
	if !classical && o.model != "mlp" && o.model != "cnn" {
		return usagef("unknown --model %q: want one of %s", o.model, strings.Join(modelNames(), ", "))
	}
	// Estimator flags: each must belong to the chosen family.
	for _, f := range families {
		for _, name := range f.flags {
			if !set[name] || slices.Contains(fam.flags, name) {
				continue
			}
			var owners []string
			for _, g := range families {
				if slices.Contains(g.flags, name) {
					owners = append(owners, g.name)
				}
			}
			return usagef("--%s applies to --model %s only", name, strings.Join(owners, " and "))
		}
	}
	if classical {
		for _, name := range mlpOnlyFlags {
			if set[name] {
				return usagef("--%s applies to --model mlp and cnn only; --model %s is fitted in one call", name, o.model)
			}
		}
		if fam.check != nil {
			return fam.check(&o.classic)
		}
	}
	return nil
}

// build returns the family's estimator for the task, or a usage error when it has none.
func (f family) build(o *trainOptions, regression bool) (any, error) {
	switch {
	case regression && f.regressor != nil:
		return f.regressor(o), nil
	case !regression && f.classifier != nil:
		return f.classifier(o), nil
	case regression:
		return nil, usagef("--model %s needs a classification target; %s", f.name, f.hint)
	}
	return nil, usagef("--model %s needs a regression target; %s", f.name, f.hint)
}

// checkTaskFlags rejects estimator flags that apply to the family but not to the task's
// estimator or to the chosen kernel.
func (o *trainOptions) checkTaskFlags(set map[string]bool, regression bool) error {
	if o.model != "svm" {
		return nil
	}
	switch {
	case set["epsilon"] && !regression:
		return usagef("--epsilon applies to --model svm on a regression target (SVR) only")
	case set["degree"] && o.classic.kernel != "poly":
		return usagef("--degree applies to --kernel poly only")
	case set["gamma"] && o.classic.kernel == "linear":
		return usagef("--gamma applies to --kernel rbf, poly and sigmoid only")
	}
	return nil
}

// describe writes an estimator as scikit-learn's repr would, with the settings the command
// line controls, e.g. SVC(C=1, kernel="rbf", gamma="scale").
func describe(est any) string {
	maxDepth := func(d int) string {
		if d == 0 {
			return "None"
		}
		return strconv.Itoa(d)
	}
	gamma := func(g string) string {
		if g == "scale" || g == "auto" {
			return strconv.Quote(g)
		}
		return g
	}
	svmArgs := func(c float64, kernel, g string, degree int) string {
		s := fmt.Sprintf("C=%g, kernel=%q", c, kernel)
		if kernel != "linear" {
			s += ", gamma=" + gamma(g)
		}
		if kernel == "poly" {
			s += fmt.Sprintf(", degree=%d", degree)
		}
		return s
	}
	switch m := est.(type) {
	case *data.StandardScaler:
		return "StandardScaler()"
	case *neighbors.KNeighborsClassifier:
		return fmt.Sprintf("KNeighborsClassifier(n_neighbors=%d, weights=%q)", m.NNeighbors, m.Weights)
	case *neighbors.KNeighborsRegressor:
		return fmt.Sprintf("KNeighborsRegressor(n_neighbors=%d, weights=%q)", m.NNeighbors, m.Weights)
	case *svm.SVC:
		return fmt.Sprintf("SVC(%s)", svmArgs(m.C, m.Kernel, m.Gamma, m.Degree))
	case *svm.SVR:
		return fmt.Sprintf("SVR(%s, epsilon=%g)", svmArgs(m.C, m.Kernel, m.Gamma, m.Degree), m.Epsilon)
	case *ensemble.RandomForestClassifier:
		return fmt.Sprintf("RandomForestClassifier(n_estimators=%d, max_depth=%s, n_jobs=%d, random_state=%d)", m.NEstimators, maxDepth(m.MaxDepth), m.NJobs, m.RandomState)
	case *ensemble.RandomForestRegressor:
		return fmt.Sprintf("RandomForestRegressor(n_estimators=%d, max_depth=%s, n_jobs=%d, random_state=%d)", m.NEstimators, maxDepth(m.MaxDepth), m.NJobs, m.RandomState)
	case *ensemble.HistGradientBoostingClassifier:
		return fmt.Sprintf("HistGradientBoostingClassifier(learning_rate=%g, max_iter=%d, max_depth=%s, random_state=%d)", m.LearningRate, m.MaxIter, maxDepth(m.MaxDepth), m.RandomState)
	case *ensemble.HistGradientBoostingRegressor:
		return fmt.Sprintf("HistGradientBoostingRegressor(learning_rate=%g, max_iter=%d, max_depth=%s, random_state=%d)", m.LearningRate, m.MaxIter, maxDepth(m.MaxDepth), m.RandomState)
	case *linear.LogisticRegression:
		return fmt.Sprintf("LogisticRegression(C=%g, max_iter=%d)", m.C, m.MaxIter)
	case *linear.LinearRegression:
		return "LinearRegression()"
	case *linear.Ridge:
		return fmt.Sprintf("Ridge(alpha=%g)", m.Alpha)
	}
	return describeFields(est)
}

// describeFields writes an estimator's kind and its exported scalar fields (settings and
// scalar fitted attributes), e.g. cluster.KMeans(NClusters=8, …).
func describeFields(est any) string {
	kind, err := estimator.KindOf(est)
	if err != nil {
		kind = fmt.Sprintf("%T", est)
	}
	var parts []string
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		t := v.Type()
		for i := range t.NumField() {
			f, fv := t.Field(i), v.Field(i)
			if !f.IsExported() {
				continue
			}
			if f.Anonymous && fv.Kind() == reflect.Struct {
				walk(fv)
				continue
			}
			switch fv.Kind() {
			case reflect.String:
				parts = append(parts, fmt.Sprintf("%s=%q", f.Name, fv.String()))
			case reflect.Bool, reflect.Int, reflect.Int64, reflect.Uint64, reflect.Float64, reflect.Float32:
				parts = append(parts, fmt.Sprintf("%s=%v", f.Name, fv.Interface()))
			}
		}
	}
	if v := reflect.ValueOf(est); v.Kind() == reflect.Pointer && !v.IsNil() && v.Elem().Kind() == reflect.Struct {
		walk(v.Elem())
	}
	return kind + "(" + strings.Join(parts, ", ") + ")"
}

// estimatorName is the scikit-learn class name of an estimator ("SVC").
func estimatorName(est any) string {
	t := reflect.TypeOf(est)
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil {
		return "nil"
	}
	return t.Name()
}

// svmWarnRows is the training-set size above which kernel SVMs get a warning about time (a
// variable for tests).
var svmWarnRows = 20000

// classicFit is a fitted pipeline with its test-set predictions and timings.
type classicFit struct {
	pipe               *estimator.Pipeline
	pred               *tensor.Tensor // predicted class indices (int64) or values
	fitS, predictS     float64
	trainRows, testRow int
}

// classicTarget returns y as the classical estimators take it: int64 class indices, or
// float64 values.
func classicTarget(ds *dataset) *tensor.Tensor {
	if ds.task == synth.TaskRegression {
		return ds.y.Double()
	}
	return ds.y.Long()
}

// fitClassic fits StandardScaler → est on the training rows and predicts the test rows.
// warn, when set, receives a line about the time kernel SVMs take on large data.
func fitClassic(ctx context.Context, est any, trainSet, testSet *data.TensorDataset, warn io.Writer) (*classicFit, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if warn != nil && trainSet.Len() > svmWarnRows {
		switch est.(type) {
		case *svm.SVC, *svm.SVR:
			fmt.Fprintf(warn, "warning: a kernel SVM on %s rows takes time that grows between n² and n³: expect minutes to hours\n", commas(trainSet.Len()))
		}
	}
	pipe := estimator.NewPipeline(&data.StandardScaler{}, est)
	start := time.Now()
	if err := pipe.Fit(trainSet.X, trainSet.Y); err != nil {
		return nil, err
	}
	fitS := time.Since(start).Seconds()
	start = time.Now()
	pred, err := pipe.Predict(testSet.X)
	if err != nil {
		return nil, err
	}
	if pred == nil || pred.Numel() != testSet.Len() {
		return nil, fmt.Errorf("%s predicted %v values for %d rows", estimatorName(est), shapeOf(pred), testSet.Len())
	}
	return &classicFit{pipe: pipe, pred: pred, fitS: fitS, predictS: time.Since(start).Seconds(),
		trainRows: trainSet.Len(), testRow: testSet.Len()}, nil
}

// splitData splits the data set into training and test rows as train does: the data set's
// own test set when it has one, else a (for classification, stratified) random split.
func splitData(o *trainOptions, ds *dataset, y *tensor.Tensor) (trainSet, testSet *data.TensorDataset, err error) {
	if ds.test != nil {
		testY := ds.test.Y
		if y.DType() != testY.DType() {
			testY = testY.To(y.DType())
		}
		return &data.TensorDataset{X: ds.X, Y: y}, &data.TensorDataset{X: ds.test.X, Y: testY}, nil
	}
	var stratify []data.SplitOption
	if ds.task != synth.TaskRegression {
		stratify = append(stratify, data.Stratify())
	}
	trainSet, testSet, err = data.TrainTestSplit(ds.X, y, o.testSplit, o.seed, stratify...)
	if err != nil {
		return nil, nil, fmt.Errorf("splitting %d rows: %w", ds.X.Size(0), err)
	}
	return trainSet, testSet, nil
}

// runClassic trains a classical --model: StandardScaler → estimator, fitted on the training
// rows, and reports on the test rows as the network path does.
func runClassic(ctx context.Context, o *trainOptions, set map[string]bool, ds *dataset, stdout, stderr io.Writer) error {
	fam, _ := familyByName(o.model)
	regression := ds.task == synth.TaskRegression
	est, err := fam.build(o, regression)
	if err != nil {
		return err
	}
	if err := o.checkTaskFlags(set, regression); err != nil {
		return err
	}
	if _, ok := est.(estimator.Stateful); !ok && o.save != "" {
		return fmt.Errorf("--save: %s cannot be saved yet", estimatorName(est))
	}
	trainSet, testSet, err := splitData(o, ds, classicTarget(ds))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "model: %s\n", describe(est))
	fmt.Fprintf(stdout, "pipeline: StandardScaler (fitted on the training rows) → %s\n", estimatorName(est))
	fmt.Fprintf(stdout, "data: %s, %d train / %d test rows, task %s\n", o.data, trainSet.Len(), testSet.Len(), ds.task)
	fit, err := fitClassic(ctx, est, trainSet, testSet, stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "fit: %.3f s, predict: %.3f s (%d rows)\n\n", fit.fitS, fit.predictS, testSet.Len())
	if o.save != "" {
		features, target := featureNames(ds)
		if err := estimator.Save(o.save, fit.pipe, trainedMeta(ds, features, target)); err != nil {
			return err
		}
		defer fmt.Fprintf(stdout, "saved the model to %s\n", o.save)
	}
	if regression {
		err = reportRegression(stdout, testSet.Y, fit.pred)
	} else {
		err = reportClassification(stdout, testSet.Y, fit.pred.Long(), ds.classes)
	}
	if err != nil || o.plots == "" {
		return err
	}
	return writeClassicPlots(o, ds, fit, trainSet, testSet, stdout)
}

func shapeOf(t *tensor.Tensor) []int {
	if t == nil {
		return nil
	}
	return t.Shape()
}
