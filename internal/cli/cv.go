package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/ember-ml/ember/data"
	"github.com/ember-ml/ember/data/synth"
	"github.com/ember-ml/ember/metrics"
	"github.com/ember-ml/ember/tensor"
	"github.com/ember-ml/ember/train"
)

// runCV cross-validates the chosen model (train --cv K): a fresh model per fold, trained on
// the other folds and scored on it, printing each fold's score and their mean ± standard
// deviation (population, as scikit-learn's cross_val_score(...).std()).
func runCV(ctx context.Context, o *trainOptions, set map[string]bool, ds *dataset, stdout, stderr io.Writer) error {
	regression := ds.task == synth.TaskRegression
	var cv data.Splitter = data.StratifiedKFold{NSplits: o.cv, Shuffle: true, Seed: o.seed}
	splitter, metric := "StratifiedKFold", "accuracy"
	if regression {
		cv, splitter, metric = data.KFold{NSplits: o.cv, Shuffle: true, Seed: o.seed}, "KFold", "r2"
	}
	scoreOf := func(yTrue, pred *tensor.Tensor) (float64, error) {
		if regression {
			return metrics.R2(yTrue, pred)
		}
		return metrics.Accuracy(yTrue.Long(), pred.Long())
	}
	fmt.Fprintf(stdout, "cross-validation: %d folds (%s, shuffled with seed %d) of %s rows of %s\n", o.cv, splitter, o.seed, commas(ds.X.Size(0)), o.data)
	// fitFold trains a fresh model on trainSet and returns its predictions for testSet and
	// the seconds fitting took.
	var fitFold func(fold int, trainSet, testSet *data.TensorDataset) (pred *tensor.Tensor, fitS float64, err error)
	if fam, classical := familyByName(o.model); classical {
		est, err := fam.build(o, regression)
		if err != nil {
			return err
		}
		if err := o.checkTaskFlags(set, regression); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "model: %s\n", describe(est))
		fmt.Fprintf(stdout, "pipeline: StandardScaler (fitted on each fold's training rows) → %s\n", estimatorName(est))
		fitFold = func(fold int, trainSet, testSet *data.TensorDataset) (*tensor.Tensor, float64, error) {
			est, err := fam.build(o, regression)
			if err != nil {
				return nil, 0, err
			}
			var warn io.Writer
			if fold == 1 {
				warn = stderr
			}
			fit, err := fitClassic(ctx, est, trainSet, testSet, warn)
			if err != nil {
				return nil, 0, err
			}
			return fit.pred, fit.fitS, nil
		}
	} else {
		spec, err := networkSpec(o, ds)
		if err != nil {
			return err
		}
		var log *runLog
		if o.log != "" {
			if log, err = openRunLog(o.log); err != nil {
				return err
			}
			defer log.Close()
		}
		fitFold = func(fold int, trainSet, testSet *data.TensorDataset) (*tensor.Tensor, float64, error) {
			header := io.Discard
			if fold == 1 {
				header = stdout // the model and the data line, once
			}
			var onEpoch func(train.Epoch) error
			if log != nil {
				log.fold = fold
				onEpoch = log.record
			}
			res, err := fitNetwork(ctx, o, ds, spec, trainSet, testSet, header, io.Discard, onEpoch)
			if err != nil {
				return nil, 0, err
			}
			if res.regression {
				return res.out, res.fitS, nil
			}
			return res.pred, res.fitS, nil
		}
	}
	fold := 0
	res, err := data.CrossValidateFunc(ds.X, classicTarget(ds), cv, func(trainSet, testSet *data.TensorDataset) (float64, error) {
		fold++ // folds run one at a time, in order
		pred, fitS, err := fitFold(fold, trainSet, testSet)
		if err != nil {
			return 0, err
		}
		s, err := scoreOf(testSet.Y, pred)
		if err != nil {
			return 0, err
		}
		fmt.Fprintf(stdout, "fold %d/%d: %d train / %d test rows, %s %.4f (fit %.2f s)\n", fold, o.cv, trainSet.Len(), testSet.Len(), metric, s, fitS)
		return s, nil
	}, 1)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "cv %s: %.4f ± %.4f\n", metric, res.Mean["score"], res.Std["score"])
	return nil
}
