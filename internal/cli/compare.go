package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/ember-ml/ember/data"
	"github.com/ember-ml/ember/data/synth"
	"github.com/ember-ml/ember/metrics"
	"github.com/ember-ml/ember/tensor"
)

// compareRow is one model's result in "ember compare"; --json writes it as one line.
type compareRow struct {
	Model     string  `json:"model"`
	Estimator string  `json:"estimator"`
	Metric    string  `json:"metric"`
	Score     float64 `json:"score"`
	FitS      float64 `json:"fit_s"`
	PredictS  float64 `json:"predict_s"`
	TrainRows int     `json:"train_rows"`
	TestRows  int     `json:"test_rows"`
	Error     string  `json:"error,omitempty"`
}

// compareDefaults returns the models compare trains by default for a task.
func compareDefaults(regression bool) []string {
	var names []string
	for _, f := range families {
		if (regression && f.regressor != nil) || (!regression && f.classifier != nil) {
			names = append(names, f.name)
		}
	}
	return append(names, "mlp")
}

func runCompare(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, _ := trainFlags(io.Discard) // every setting at train's defaults
	fs := newFlagSet("compare", "Trains every model that fits the task with its default settings (those of \"ember train\n--model NAME\") on the same train/test split and prints one row per model: the test score\n(accuracy, or R² for regression), fit seconds and predict seconds. The classical models are\nfitted as make_pipeline(StandardScaler(), model); the MLP as \"ember train\" trains it.", stdout)
	dataFlags(fs, o)
	fs.Float64Var(&o.testSplit, "test-split", 0.2, "fraction of all rows held out for the test")
	fs.Uint64Var(&o.seed, "seed", 42, "random seed for data, split, initialisation and the estimators' random_state")
	models := fs.String("models", "", "comma-separated models to train (default: every one that fits the task; classification: "+
		strings.Join(compareDefaults(false), ",")+"; regression: "+strings.Join(compareDefaults(true), ",")+")")
	asJSON := fs.Bool("json", false, "print one JSON object per model and line instead of the table")
	if err := parse(fs, args); err != nil {
		return err
	}
	o.applyDataDefaults(map[string]bool{})
	if err := o.validate(); err != nil {
		return err
	}
	var names []string
	if *models != "" {
		for _, n := range strings.Split(*models, ",") {
			n = strings.TrimSpace(n)
			if _, ok := familyByName(n); !ok && n != "mlp" {
				return usagef("unknown model %q in --models: want some of %s", n, strings.Join(modelNames()[2:], ", ")+", mlp")
			}
			names = append(names, n)
		}
	}
	ds, err := loadData(o)
	if err != nil {
		return err
	}
	regression := ds.task == synth.TaskRegression
	if names == nil {
		names = compareDefaults(regression)
	}
	// Build every estimator first, so a model that does not fit the task fails before any work.
	ests := make([]any, len(names))
	estNames := make([]string, len(names))
	for i, n := range names {
		if n == "mlp" {
			estNames[i] = fmt.Sprintf("MLP(hidden=%s, epochs=%d)", o.hidden, o.epochs)
			continue
		}
		fam, _ := familyByName(n)
		if ests[i], err = fam.build(o, regression); err != nil {
			return err
		}
		estNames[i] = estimatorName(ests[i])
	}
	trainSet, testSet, err := splitData(o, ds, classicTarget(ds))
	if err != nil {
		return err
	}
	metric := "accuracy"
	if regression {
		metric = "r2"
	}
	wModel, wEst := len("model"), len("estimator")
	for i := range names {
		wModel, wEst = max(wModel, len(names[i])), max(wEst, len(estNames[i]))
	}
	if !*asJSON {
		fmt.Fprintf(stdout, "data: %s, %d train / %d test rows, task %s\n\n", o.data, trainSet.Len(), testSet.Len(), ds.task)
		fmt.Fprintf(stdout, "%-*s  %-*s  %8s  %9s  %9s\n", wModel, "model", wEst, "estimator", metric, "fit s", "predict s")
	}
	var failed []string
	for i, n := range names {
		row := compareRow{Model: n, Estimator: estNames[i], Metric: metric, TrainRows: trainSet.Len(), TestRows: testSet.Len()}
		if err := compareOne(ctx, o, ds, ests[i], trainSet, testSet, &row, stderr); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			var u usageError
			if errors.As(err, &u) {
				return err
			}
			row.Error = oneLine(err.Error())
			failed = append(failed, n)
		}
		if *asJSON {
			b, _ := json.Marshal(row)
			fmt.Fprintf(stdout, "%s\n", b)
			continue
		}
		if row.Error != "" {
			fmt.Fprintf(stdout, "%-*s  %-*s  error: %s\n", wModel, n, wEst, estNames[i], row.Error)
			continue
		}
		fmt.Fprintf(stdout, "%-*s  %-*s  %8.4f  %9.3f  %9.3f\n", wModel, n, wEst, estNames[i], row.Score, row.FitS, row.PredictS)
	}
	if failed != nil {
		return fmt.Errorf("%d of %d models failed: %s", len(failed), len(names), strings.Join(failed, ", "))
	}
	return nil
}

// compareOne trains one model (est on trainSet, or the MLP on train's split when est is nil)
// and fills in its row.
func compareOne(ctx context.Context, o *trainOptions, ds *dataset, est any, trainSet, testSet *data.TensorDataset, row *compareRow, stderr io.Writer) error {
	var yTrue, pred *tensor.Tensor
	if est == nil {
		net, err := trainNetwork(ctx, o, ds, io.Discard)
		if err != nil {
			return err
		}
		yTrue, pred, row.FitS, row.PredictS = net.testY, net.pred, net.fitS, net.predictS
		if net.regression {
			pred = net.out
		}
	} else {
		fit, err := fitClassic(ctx, est, trainSet, testSet, stderr)
		if err != nil {
			return err
		}
		yTrue, pred, row.FitS, row.PredictS = testSet.Y, fit.pred, fit.fitS, fit.predictS
	}
	var err error
	if row.Metric == "r2" {
		row.Score, err = metrics.R2(yTrue, pred)
	} else {
		row.Score, err = metrics.Accuracy(yTrue, pred.Long())
	}
	return err
}
