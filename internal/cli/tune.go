package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ember-ml/ember/data"
	"github.com/ember-ml/ember/data/synth"
	"github.com/ember-ml/ember/nn"
	"github.com/ember-ml/ember/optim"
	"github.com/ember-ml/ember/optim/lr"
	"github.com/ember-ml/ember/plot"
	"github.com/ember-ml/ember/tensor"
	"github.com/ember-ml/ember/train"
	"github.com/ember-ml/ember/tune"
)

// tunable is a network setting that "ember tune" can search: its flag takes a tune.ParseSpace
// spec ("1e-4:1e-1:log", "1:4", "8,16,32"); a setting whose flag is not given keeps def.
type tunable struct {
	name, usage string
	def         float64
	integer     bool
	ok          func(v float64) bool // the values the setting accepts
	want        string               // what ok accepts, for the error
}

var tunables = []tunable{
	{"lr", "learning rate of Adam", 0.01, false, func(v float64) bool { return v > 0 }, "positive"},
	{"hidden", "width of every hidden layer", 10, true, func(v float64) bool { return v >= 1 && v <= 1<<16 }, "in [1, 65536]"},
	{"layers", "number of hidden layers", 3, true, func(v float64) bool { return v >= 0 && v <= 100 }, "in [0, 100]"},
	{"batch-size", "mini-batch size", 32, true, func(v float64) bool { return v >= 1 }, "at least 1"},
	{"dropout", "dropout probability after every hidden layer's ReLU", 0, false, func(v float64) bool { return v >= 0 && v < 1 }, "in [0, 1)"},
	{"weight-decay", "Adam's weight decay (L2 penalty)", 0, false, func(v float64) bool { return v >= 0 }, "0 or more"},
}

// tuneOptions are the flags of "ember tune".
type tuneOptions struct {
	base                    *trainOptions // the data, split and seed flags, as ember train reads them
	trials, parallel, top   int
	sampler, prune, journal string
	refit                   bool
	specs                   map[string]*string
}

func tuneFlags(stdout io.Writer) (*tuneOptions, *flagSetT) {
	base, _ := trainFlags(io.Discard) // ember train's defaults for everything not set below
	o := &tuneOptions{base: base, specs: map[string]*string{}}
	fs := newFlagSet("tune", `Searches the hyperparameters of an MLP (hidden layers of equal width, ReLU, optional
dropout, Adam, the cosine learning-rate schedule of ember train) on a validation split, like
Optuna. Each trial trains on the training rows for --epochs and reports its validation
score after every epoch — accuracy for classification, R² for regression; higher is better —
so that --prune can stop unpromising trials. A trial's score is its last epoch's. The test
rows (--test-split, or Fashion-MNIST's test set) are used only by --refit, which trains the
best configuration once more on the training and validation rows together (same epochs) and
reports its test score as ember train does; --save writes that model.

Give each setting to search as a spec: lo:hi (integers give an integer range), lo:hi:log (a
log scale), a,b,c (choices) or one value. Settings not given keep ember train's defaults
(--lr 0.01, --hidden 10, --layers 3, --batch-size 32, no dropout or weight decay). Every
trial initialises and shuffles with --seed, as ember train does, so the printed ember train
flags reproduce the best trial. With --journal, finished trials are appended to a JSONL file
and a rerun with the same journal resumes the study, running only the trials it lacks; the
journal checks the search space and --seed, not the data or --epochs, so resume with the same
flags (a larger --trials extends the study). With --parallel > 1 the TPE sampler and the
pruners see other trials' results as they arrive, so a study differs from run to run; with
--parallel 1 it is repeatable.

Example: ember tune --data moons --trials 50 --lr 1e-4:1e-1:log --hidden 8,16,32,64 --layers 1:4 --batch-size 16,32,64 --dropout 0:0.5 --prune asha`, stdout)
	dataFlags(fs, base)
	fs.Uint64Var(&base.seed, "seed", 42, "random seed for the data, the splits, every trial's initialisation and shuffling, and the sampler")
	fs.Float64Var(&base.valSplit, "val-split", 0.2, "fraction of the training rows held out to score the trials")
	fs.Float64Var(&base.testSplit, "test-split", 0.2, "fraction of all rows held out for the test (used only by --refit; the split matches ember train's)")
	fs.IntVar(&base.epochs, "epochs", 20, "training epochs of each trial")
	fs.IntVar(&o.trials, "trials", 50, "number of trials in the study (a grid may have fewer)")
	fs.StringVar(&o.sampler, "sampler", "tpe", "sampler: tpe (Optuna's default), random or grid")
	fs.StringVar(&o.prune, "prune", "none", "pruner: none, median (Optuna's MedianPruner) or asha (successive halving)")
	fs.IntVar(&o.parallel, "parallel", 1, "trials run at once")
	fs.StringVar(&o.journal, "journal", "", "append finished trials to this JSONL file and resume the study it holds")
	fs.IntVar(&o.top, "top", 10, "trials shown in the final table, best first")
	fs.StringVar(&base.plots, "plots", "", "write history.png (every trial's score and the best so far) and importance.png (each searched setting's |Spearman rank correlation| with the score over the complete trials) to this folder (created if missing; its parent must exist)")
	fs.BoolVar(&o.refit, "refit", false, "after the study, train the best configuration on the training and validation rows together and report its test score")
	fs.StringVar(&base.save, "save", "", "with --refit: write the refitted model to this safetensors file, as ember train --save does")
	for _, p := range tunables {
		o.specs[p.name] = fs.String(p.name, "", fmt.Sprintf("search the %s over lo:hi, lo:hi:log or a,b,c (not searched: %g)", p.usage, p.def))
	}
	return o, fs
}

// samplerByName returns the --sampler.
func samplerByName(name string) (tune.Sampler, error) {
	switch name {
	case "tpe":
		return tune.TPE{}, nil
	case "random":
		return tune.Random{}, nil
	case "grid":
		return tune.Grid{}, nil
	}
	return nil, usagef("unknown --sampler %q: want tpe, random or grid", name)
}

// prunerByName returns the --prune pruner, nil for none; both take Optuna's defaults.
func prunerByName(name string) (tune.Pruner, error) {
	switch name {
	case "none":
		return nil, nil
	case "median":
		return tune.MedianPruner{}, nil
	case "asha":
		return tune.SuccessiveHalving{}, nil
	}
	return nil, usagef("unknown --prune %q: want none, median or asha", name)
}

// space reads the tunable flags that were given into a search space, checking that every
// value it can produce is one the setting accepts.
func (o *tuneOptions) space(set map[string]bool) ([]tune.Param, error) {
	specs := map[string]string{}
	for _, p := range tunables {
		if set[p.name] {
			specs[p.name] = *o.specs[p.name]
		}
	}
	if len(specs) == 0 {
		names := make([]string, len(tunables))
		for i, p := range tunables {
			names[i] = "--" + p.name
		}
		return nil, usagef("nothing to tune: give a search range to at least one of %s", strings.Join(names, ", "))
	}
	space, err := tune.ParseSpace(specs)
	if err != nil {
		return nil, usageError{err.Error()}
	}
	for _, param := range space {
		var p tunable
		for _, t := range tunables {
			if t.name == param.Name {
				p = t
			}
		}
		spec := specs[p.name]
		values := []float64{param.Lo, param.Hi}
		if len(param.Choices) > 0 {
			values = values[:0]
			for _, c := range param.Choices {
				switch v := c.(type) {
				case int:
					values = append(values, float64(v))
				case float64:
					if p.integer {
						return nil, usagef("--%s %q: %v is not an integer", p.name, spec, v)
					}
					values = append(values, v)
				default:
					return nil, usagef("--%s %q: %q is not a number", p.name, spec, c)
				}
			}
		} else if p.integer {
			for _, b := range strings.Split(spec, ":")[:2] {
				if _, err := strconv.Atoi(strings.TrimSpace(b)); err != nil {
					return nil, usagef("--%s %q: %s is not an integer", p.name, spec, b)
				}
			}
		}
		for _, v := range values {
			if !p.ok(v) {
				return nil, usagef("--%s %q: %g is out of range; the %s must be %s", p.name, spec, v, p.usage, p.want)
			}
		}
	}
	return space, nil
}

func (o *tuneOptions) validate() error {
	b := o.base
	switch {
	case o.trials <= 0:
		return usagef("--trials must be positive, got %d", o.trials)
	case o.parallel <= 0:
		return usagef("--parallel must be positive, got %d", o.parallel)
	case o.top < 0:
		return usagef("--top must not be negative, got %d", o.top)
	case b.epochs <= 0:
		return usagef("--epochs must be positive, got %d", b.epochs)
	case b.valSplit <= 0 || b.valSplit >= 1:
		return usagef("--val-split must be in (0, 1), got %g", b.valSplit)
	case b.testSplit <= 0 || b.testSplit >= 1:
		return usagef("--test-split must be in (0, 1), got %g", b.testSplit)
	case b.samples <= 0:
		return usagef("--samples must be positive, got %d", b.samples)
	case b.noise < 0 || math.IsNaN(b.noise):
		return usagef("--noise must not be negative, got %g", b.noise)
	case b.save != "" && !o.refit:
		return usagef("--save needs --refit: the study itself keeps no model")
	}
	if b.plots != "" {
		if err := checkOutDir("--plots", b.plots); err != nil {
			return usageError{err.Error()}
		}
	}
	if b.save != "" {
		if err := checkParent("--save", b.save); err != nil {
			return usageError{err.Error()}
		}
	}
	return nil
}

// tuneData is what every trial shares: the split rows (read only) and the task.
type tuneData struct {
	train, val *data.TensorDataset
	lossName   string
	outputs    int
	regression bool
}

// prepareTuneData splits the rows as ember train --val-split does: the test rows off first
// (or Fashion-MNIST's test set), then the validation rows off the rest with seed+1, and a CSV's
// features standardised with the training rows' statistics.
func prepareTuneData(b *trainOptions, ds *dataset) (*tuneData, error) {
	d := &tuneData{regression: ds.task == synth.TaskRegression}
	switch {
	case d.regression:
		d.lossName = "mse"
	case len(ds.classes) == 2:
		d.lossName = "bce_with_logits"
	default:
		d.lossName = "cross_entropy"
	}
	var err error
	if d.outputs, err = outputsFor(d.lossName, d.regression, len(ds.classes)); err != nil {
		return nil, err
	}
	y := ds.y
	if d.lossName != "cross_entropy" {
		y = y.Float()
	}
	trainSet, _, err := splitData(b, ds, y)
	if err != nil {
		return nil, err
	}
	var stratify []data.SplitOption
	if !d.regression {
		stratify = append(stratify, data.Stratify())
	}
	d.train, d.val, err = data.TrainTestSplit(trainSet.X, trainSet.Y, b.valSplit, b.seed+1, stratify...)
	if err != nil {
		return nil, fmt.Errorf("splitting off validation rows: %w", err)
	}
	if ds.csv {
		var sc data.StandardScaler
		if d.train.X, err = sc.FitTransform(d.train.X); err != nil {
			return nil, err
		}
		if d.val.X, err = sc.Transform(d.val.X); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// trialSettings are one trial's network settings: the tuned ones from the trial, the others
// at their defaults.
type trialSettings struct {
	lr, dropout, weightDecay  float64
	hidden, layers, batchSize int
}

func settingsOf(params map[string]any) trialSettings {
	get := func(name string) float64 { return paramValue(params, name) }
	return trialSettings{
		lr: get("lr"), dropout: get("dropout"), weightDecay: get("weight-decay"),
		hidden: int(get("hidden")), layers: int(get("layers")), batchSize: int(get("batch-size")),
	}
}

// fitTrial trains one trial's network, reporting the validation score after every epoch and
// stopping with tune.ErrPruned when the pruner says so. It returns the last epoch's score
// and the number of epochs run.
func fitTrial(ctx context.Context, t *tune.Trial, s trialSettings, d *tuneData, epochs int, seed uint64) (float64, int, error) {
	// A generator of the trial's own, seeded as ember train seeds the global one, so that
	// trials can run in parallel and the best one is reproduced by ember train.
	gen := tensor.NewGenerator(seed)
	var layers []nn.Module
	in := d.train.X.Size(1)
	for range s.layers {
		layers = append(layers, nn.Linear(in, s.hidden, nn.WithGenerator(gen)), nn.ReLU())
		if s.dropout > 0 {
			layers = append(layers, nn.Dropout(s.dropout, nn.WithGenerator(gen)))
		}
		in = s.hidden
	}
	layers = append(layers, nn.Linear(in, d.outputs, nn.WithGenerator(gen)))
	if d.outputs == 1 {
		layers = append(layers, nn.FlattenDims(0, -1))
	}
	model := nn.Sequential(layers...)
	lossFn, err := nn.LossByName(d.lossName)
	if err != nil {
		return 0, 0, err
	}
	opt, err := optim.ByName("adam", model.Parameters(), optim.LR(s.lr), optim.WeightDecay(s.weightDecay))
	if err != nil {
		return 0, 0, err
	}
	metric, key := train.R2(), "val_r2"
	switch {
	case d.regression:
	case d.outputs == 1:
		metric, key = train.BinaryAccuracy(0), "val_accuracy"
	default:
		metric, key = train.MulticlassAccuracy(), "val_accuracy"
	}
	score, ran := math.NaN(), 0
	cfg := train.Config{
		Model: model, Loss: lossFn, Optimizer: opt, Epochs: epochs,
		Train:     data.Loader(d.train, s.batchSize, data.Shuffle(seed)),
		Val:       data.Loader(d.val, 1024),
		Scheduler: lr.CosineAnnealingLR(opt, epochs, 0),
		Metrics:   []train.Metric{metric},
		OnEpoch: func(e train.Epoch) error {
			v, ok := e.Metrics[key]
			if !ok {
				v = math.NaN()
			}
			score, ran = v, e.Epoch
			t.Report(e.Epoch, v)
			if t.ShouldPrune() {
				return tune.ErrPruned
			}
			return nil
		},
	}
	if _, err := train.Fit(ctx, cfg); err != nil {
		if ctx.Err() != nil {
			return score, ran, ctx.Err()
		}
		return score, ran, err
	}
	return score, ran, nil
}

func runTune(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, fs := tuneFlags(stdout)
	if err := parse(fs, args); err != nil {
		return err
	}
	set := setFlags(fs)
	if err := o.validate(); err != nil {
		return err
	}
	space, err := o.space(set)
	if err != nil {
		return err
	}
	sampler, err := samplerByName(o.sampler)
	if err != nil {
		return err
	}
	pruner, err := prunerByName(o.prune)
	if err != nil {
		return err
	}
	b := o.base
	ds, err := loadData(b)
	if err != nil {
		return err
	}
	d, err := prepareTuneData(b, ds)
	if err != nil {
		return err
	}
	scoreName := "validation accuracy"
	if d.regression {
		scoreName = "validation R²"
	}
	pruneNote := ""
	if pruner != nil {
		pruneNote = ", pruner " + o.prune
	}
	fmt.Fprintf(stdout, "data: %s, %d train / %d validation rows, task %s, loss %s\n", b.data, d.train.Len(), d.val.Len(), ds.task, d.lossName)
	fmt.Fprintf(stdout, "study: %d trials (numbered from 0) of %d epochs, sampler %s%s, %d at a time; score: %s (higher is better)\n",
		o.trials, b.epochs, o.sampler, pruneNote, o.parallel, scoreName)

	study := &tune.Study{
		Space: space, Direction: tune.Maximize, Sampler: sampler, Pruner: pruner,
		Seed: b.seed, Parallel: o.parallel, Journal: o.journal,
	}
	var (
		mu  sync.Mutex // serialises the progress lines of parallel trials
		ran int
	)
	width := len(strconv.Itoa(o.trials - 1))
	objective := func(t *tune.Trial) (float64, error) {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		defer func() { // counted even if the trial panics (tune records that as a failure)
			mu.Lock()
			ran++
			mu.Unlock()
		}()
		start := time.Now()
		score, epochs, err := fitTrial(ctx, t, settingsOf(t.Params()), d, b.epochs, b.seed)
		if ctx.Err() != nil {
			return 0, ctx.Err() // interrupted: not recorded, rerun on resume
		}
		var status string
		switch {
		case errors.Is(err, tune.ErrPruned):
			status = fmt.Sprintf("pruned   %.4f at epoch %d/%d", score, epochs, b.epochs)
		case err != nil:
			status = "failed   " + oneLine(err.Error())
		default:
			status = fmt.Sprintf("complete %.4f", score)
		}
		mu.Lock()
		fmt.Fprintf(stdout, "trial %*d  %s  %s  (%s)\n", width, t.Number(), formatParams(space, t.Params()), status, time.Since(start).Round(time.Millisecond))
		mu.Unlock()
		if err != nil {
			return 0, err
		}
		return score, nil
	}
	err = study.Optimize(objective, o.trials)
	for _, n := range study.Notes {
		fmt.Fprintf(stderr, "note: %s\n", n)
	}
	if err != nil {
		if ctx.Err() != nil && o.journal != "" {
			return fmt.Errorf("%w; the finished trials are in %s: rerun the same command to resume", err, o.journal)
		}
		return err
	}
	trials := study.Trials()
	if resumed := len(trials) - ran; resumed > 0 {
		fmt.Fprintf(stdout, "ran %d trials; %d finished ones came from the journal %s\n", ran, resumed, o.journal)
	}
	if o.top > 0 {
		fmt.Fprintf(stdout, "\ntop %d of %d trials:\n", min(o.top, len(trials)), len(trials))
		if err := study.WriteTop(stdout, o.top); err != nil {
			return err
		}
	}
	best, ok := study.Best()
	if !ok {
		return fmt.Errorf("no trial completed (%d finished: all pruned or failed)", len(trials))
	}
	fmt.Fprintf(stdout, "\nbest validation score: %.4f (%s of trial %d)\n", best.Value, scoreName, best.Number)
	fmt.Fprintf(stdout, "reproduce it with:\n  ember train %s\n", reproduceFlags(b, set, best.Params))
	if b.plots != "" {
		if err := writeStudyPlots(b, space, trials, scoreName, stdout); err != nil {
			return err
		}
	}
	if o.refit {
		return refitBest(ctx, b, ds, settingsOf(best.Params), best.Number, stdout)
	}
	return nil
}

// paramValue returns the tunable setting name from a trial's parameters, or its default
// when the study does not search it.
func paramValue(params map[string]any, name string) float64 {
	switch v := params[name].(type) {
	case float64:
		return v
	case int:
		return float64(v)
	}
	for _, p := range tunables {
		if p.name == name {
			return p.def
		}
	}
	panic("cli: unknown tunable " + name)
}

// formatParams writes a trial's parameters as name=value in space order.
func formatParams(space []tune.Param, params map[string]any) string {
	parts := make([]string, len(space))
	for i, p := range space {
		v := params[p.Name]
		if f, ok := v.(float64); ok {
			v = strconv.FormatFloat(f, 'g', 4, 64)
		}
		parts[i] = fmt.Sprintf("%s=%v", p.Name, v)
	}
	return strings.Join(parts, " ")
}

// reproduceFlags returns the ember train flags that train the trial with params exactly as
// tune did; --dropout and --weight-decay appear when they are not 0.
func reproduceFlags(b *trainOptions, set map[string]bool, params map[string]any) string {
	value := func(name string) float64 { return paramValue(params, name) }
	var args []string
	add := func(name, v string) { args = append(args, "--"+name, shellQuote(v)) }
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	add("data", b.data)
	for _, name := range []string{"fashion-dir", "target", "task"} {
		if set[name] {
			add(name, map[string]string{"fashion-dir": b.fashionDir, "target": b.target, "task": b.task}[name])
		}
	}
	if _, _, _, ok := synth.ByName(b.data, 10, b.noise, b.seed); ok {
		add("samples", strconv.Itoa(b.samples))
		add("noise", f(b.noise))
	}
	add("seed", strconv.FormatUint(b.seed, 10))
	add("test-split", f(b.testSplit))
	add("val-split", f(b.valSplit))
	add("epochs", strconv.Itoa(b.epochs))
	hidden := make([]string, int(value("layers")))
	for i := range hidden {
		hidden[i] = strconv.Itoa(int(value("hidden")))
	}
	add("hidden", strings.Join(hidden, ","))
	add("lr", f(value("lr")))
	add("batch-size", strconv.Itoa(int(value("batch-size"))))
	for _, name := range []string{"dropout", "weight-decay"} {
		if v := value(name); v != 0 {
			add(name, f(v))
		}
	}
	return strings.Join(args, " ")
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\n'\"\\$`!*?[]{}()<>|&;#~") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// writeStudyPlots writes history.png and importance.png into --plots. The importance is each
// searched setting's absolute Spearman rank correlation with the score over the complete
// trials (plot.SpearmanImportance); it needs 3 complete trials, else only history.png is
// written.
func writeStudyPlots(b *trainOptions, space []tune.Param, trials []tune.TrialResult, scoreName string, w io.Writer) error {
	var (
		numbers  []int
		scores   []float64
		pruned   []bool
		complete []tune.TrialResult
	)
	for _, t := range trials {
		if t.State != tune.Complete && t.State != tune.Pruned || math.IsNaN(t.Value) || math.IsInf(t.Value, 0) {
			continue // failed, or pruned before its first report
		}
		numbers, scores, pruned = append(numbers, t.Number), append(scores, t.Value), append(pruned, t.State == tune.Pruned)
		if t.State == tune.Complete {
			complete = append(complete, t)
		}
	}
	label := strings.ToUpper(scoreName[:1]) + scoreName[1:]
	hist, err := plot.StudyHistory(numbers, scores, pruned, true,
		plot.Title(fmt.Sprintf("Optimisation history: MLP on %s (%d trials)", dataTitle(b), len(trials))),
		plot.AxisLabels("Trial", label))
	if err != nil {
		return err
	}
	figs := []namedFigure{{"history.png", hist}}
	var names []string
	var values [][]float64
	for _, p := range space {
		names = append(names, p.Name)
		v := make([]float64, len(complete))
		for i, t := range complete {
			v[i] = paramValue(t.Params, p.Name)
		}
		values = append(values, v)
	}
	if len(complete) < 3 {
		fmt.Fprintf(w, "no importance.png: it needs at least 3 complete trials, the study has %d\n", len(complete))
	} else {
		s := make([]float64, len(complete))
		for i, t := range complete {
			s[i] = t.Value
		}
		imp, sign, err := plot.SpearmanImportance(values, s)
		if err != nil {
			return err
		}
		method := fmt.Sprintf("|Spearman rank correlation| of each setting with the %s, %d complete trials", scoreName, len(complete))
		fig, err := plot.ParamImportance(names, imp, sign, method, plot.Title("Hyperparameter importance: MLP on "+dataTitle(b)))
		if err != nil {
			return err
		}
		figs = append(figs, namedFigure{"importance.png", fig})
	}
	return saveFigures(b.plots, figs, w)
}

// refitBest trains the configuration of trial number on the training and validation rows
// together, as ember train with the reproduce flags and --val-split 0 does, then prints its
// test report (and saves it with --save) as ember train does.
func refitBest(ctx context.Context, b *trainOptions, ds *dataset, s trialSettings, number int, w io.Writer) error {
	o := *b
	o.model, o.activation, o.optimizer, o.scheduler, o.loss = "mlp", "relu", "adam", "cosine", ""
	hidden := make([]string, s.layers)
	for i := range hidden {
		hidden[i] = strconv.Itoa(s.hidden)
	}
	o.hidden = strings.Join(hidden, ",")
	o.lr, o.batchSize, o.dropout, o.weightDecay, o.weightDecaySet = s.lr, s.batchSize, s.dropout, s.weightDecay, true
	o.valSplit, o.earlyStopping, o.checkpointDir, o.resume, o.log, o.cv = 0, 0, "", "", "", 0
	fmt.Fprintf(w, "\nrefit: trial %d's configuration on the training and validation rows together, %d epochs\n", number, o.epochs)
	res, err := trainNetwork(ctx, &o, ds, w)
	if err != nil {
		return fmt.Errorf("refit: %w", err)
	}
	fmt.Fprintln(w)
	if o.save != "" {
		features, target := featureNames(ds)
		if err := saveTrained(o.save, res.model, ds, features, target, res.scaler); err != nil {
			return err
		}
		defer fmt.Fprintf(w, "saved the model to %s\n", o.save)
	}
	if res.regression {
		return reportRegression(w, res.testY, res.out)
	}
	return reportClassification(w, res.testY, res.pred, ds.classes)
}
