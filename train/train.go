// Package train runs the standard fit loop — forward, loss, zero grad, backward, step — over
// a training loader for a number of epochs, with validation, metrics, learning-rate
// schedules, early stopping, progress output, hooks and cancellation.
//
// Writing the five-step loop by hand stays just as easy; Fit is for the common case. Fit never
// panics on a diverging run: a NaN or infinite loss stops it with an error naming the epoch
// and step.
package train

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/ember-ml/ember/checkpoint"
	"github.com/ember-ml/ember/data"
	"github.com/ember-ml/ember/nn"
	"github.com/ember-ml/ember/optim"
	"github.com/ember-ml/ember/optim/lr"
	"github.com/ember-ml/ember/tensor"
)

// Metric is a quantity measured over the samples of an epoch, such as accuracy. Fn returns
// the metric's sum over a batch (e.g. the number of correct predictions) and the batch's
// sample count; the epoch's value is the total sum over the total count. Metrics that are not
// such an average (R², F1) set New instead, and Fit then ignores Fn.
type Metric struct {
	Name string
	// Higher says whether larger values are better (for early stopping on this metric).
	Higher bool
	Fn     func(output, target *tensor.Tensor) (sum float64, count int)
	// New returns an empty accumulator; Fit and Evaluate take a fresh one every epoch.
	New func() Accumulator
}

// Accumulator gathers a metric over the batches of one epoch.
type Accumulator interface {
	// Add takes one batch's model output (detached from the graph) and target. It may panic
	// on outputs it cannot score; Fit turns that into an error.
	Add(output, target *tensor.Tensor)
	// Value returns the metric over the batches added; ok is false when it is undefined
	// (no samples), and the metric is then left out of the epoch's record.
	Value() (v float64, ok bool)
}

// accumulator returns m's accumulator: m.New's, or one averaging m.Fn's sums.
func (m Metric) accumulator() Accumulator {
	if m.New != nil {
		return m.New()
	}
	return &meanAcc{fn: m.Fn}
}

// meanAcc sums Fn's batch sums and counts.
type meanAcc struct {
	fn    func(output, target *tensor.Tensor) (float64, int)
	sum   float64
	count int
}

func (a *meanAcc) Add(out, y *tensor.Tensor) {
	s, c := a.fn(out, y)
	a.sum += s
	a.count += c
}

func (a *meanAcc) Value() (float64, bool) { return a.sum / float64(a.count), a.count > 0 }

// EarlyStopping stops training when the monitored quantity has not improved by more than
// MinDelta for Patience epochs, like Keras' EarlyStopping callback.
type EarlyStopping struct {
	// Monitor is "val_loss" (default), "train_loss", or "val_"/"train_" plus a metric name.
	Monitor  string
	Patience int
	MinDelta float64
	// RestoreBest loads the weights of the best epoch when training ends.
	RestoreBest bool
}

// Config describes a training run. Model, Loss, Optimizer, Train and Epochs are required.
type Config struct {
	Model     nn.Module
	Loss      nn.Loss
	Optimizer *optim.Optimizer
	Train     *data.DataLoader
	Val       *data.DataLoader // optional
	Epochs    int

	// Scheduler is stepped after every epoch; Plateau is stepped with the validation loss (or
	// the training loss without validation).
	Scheduler lr.Scheduler
	Plateau   *lr.Plateau
	// StepScheduler is stepped after every optimizer step (OneCycleLR).
	StepScheduler lr.Scheduler

	Metrics       []Metric
	EarlyStopping *EarlyStopping
	// ClipGradNorm, when positive, clips the gradient norm before each step.
	ClipGradNorm float64

	// CheckpointDir, when set, receives last.safetensors (a full checkpoint: model, optimizer,
	// scheduler, epoch, random state and history) every CheckpointEvery epochs (default 1),
	// and best.safetensors (the model alone) whenever the monitored loss improves — the
	// validation loss, or the training loss without validation.
	CheckpointDir   string
	CheckpointEvery int
	// Resume continues from a checkpoint written by an earlier run with the same model,
	// optimizer and scheduler; the result equals an uninterrupted run's bit for bit.
	Resume string

	// Progress receives a progress bar when it is a terminal and one line per epoch
	// otherwise; nil prints nothing.
	Progress io.Writer
	// OnStep runs after every optimizer step; OnEpoch after every epoch. A non-nil error
	// stops training and is returned.
	OnStep  func(Step) error
	OnEpoch func(Epoch) error
}

// Step describes one optimizer step.
type Step struct {
	Epoch, Step int // 1-based
	Loss        float64
}

// Epoch is one epoch's record in the history.
type Epoch struct {
	Epoch     int // 1-based
	TrainLoss float64
	ValLoss   float64 // NaN without validation
	// Metrics holds "train_<name>" and "val_<name>" values.
	Metrics  map[string]float64
	LR       float64
	Duration time.Duration
}

// Value returns a monitored quantity by name: train_loss, val_loss or a metric key.
func (e Epoch) Value(name string) (float64, bool) {
	switch name {
	case "train_loss":
		return e.TrainLoss, true
	case "val_loss":
		return e.ValLoss, !math.IsNaN(e.ValLoss)
	}
	v, ok := e.Metrics[name]
	return v, ok
}

// History is the record of a run.
type History struct {
	Epochs []Epoch
	// BestEpoch is the epoch early stopping judged best (0 without early stopping).
	BestEpoch int
	// StoppedEarly reports whether early stopping ended the run.
	StoppedEarly bool
}

// ErrNonFinite is wrapped by the error Fit returns when the loss becomes NaN or infinite.
var ErrNonFinite = errors.New("train: loss is not finite")

func (c *Config) check() error {
	switch {
	case c.Model == nil:
		return errors.New("train: no model")
	case c.Loss == nil:
		return errors.New("train: no loss")
	case c.Optimizer == nil:
		return errors.New("train: no optimizer")
	case c.Train == nil:
		return errors.New("train: no training loader")
	case c.Epochs <= 0:
		return fmt.Errorf("train: epochs must be positive, got %d", c.Epochs)
	}
	for _, m := range c.Metrics {
		if m.Fn == nil && m.New == nil {
			return fmt.Errorf("train: metric %q has neither Fn nor New", m.Name)
		}
	}
	return nil
}

// Fit trains cfg.Model and returns the per-epoch history. It returns early, with the history
// so far, when ctx is cancelled, a hook fails or the loss stops being finite.
func Fit(ctx context.Context, cfg Config) (*History, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	h := &History{}
	stop := newStopper(cfg)
	out := newReporter(cfg.Progress, cfg.Epochs, cfg.Train.Len())
	defer nn.Train(cfg.Model)
	if cfg.CheckpointDir != "" {
		if err := os.MkdirAll(cfg.CheckpointDir, 0o755); err != nil {
			return nil, fmt.Errorf("train: %w", err)
		}
	}
	first := 1
	if cfg.Resume != "" {
		done, err := resume(cfg, h)
		if err != nil {
			return nil, err
		}
		first = done + 1
	}
	bestLoss := math.Inf(1)
	for _, e := range h.Epochs {
		bestLoss = math.Min(bestLoss, monitoredLoss(e))
	}
	for epoch := first; epoch <= cfg.Epochs; epoch++ {
		start := time.Now()
		rec := Epoch{Epoch: epoch, ValLoss: math.NaN(), Metrics: map[string]float64{}, LR: cfg.Optimizer.Groups()[0].LR}
		nn.Train(cfg.Model)
		trainLoss, trainMetrics, err := trainEpoch(ctx, cfg, epoch, out)
		if err != nil {
			out.finish()
			return h, err
		}
		rec.TrainLoss = trainLoss
		for k, v := range trainMetrics {
			rec.Metrics["train_"+k] = v
		}
		if cfg.Val != nil {
			vl, vm, err := evaluate(cfg.Model, cfg.Loss, cfg.Val, cfg.Metrics)
			if err != nil {
				out.finish()
				return h, err
			}
			rec.ValLoss = vl
			for k, v := range vm {
				rec.Metrics["val_"+k] = v
			}
		}
		rec.Duration = time.Since(start)
		h.Epochs = append(h.Epochs, rec)
		out.epoch(rec)
		if cfg.Scheduler != nil {
			cfg.Scheduler.Step()
		}
		if cfg.Plateau != nil {
			m := rec.ValLoss
			if math.IsNaN(m) {
				m = rec.TrainLoss
			}
			cfg.Plateau.Step(m)
		}
		if cfg.CheckpointDir != "" {
			if l := monitoredLoss(rec); l < bestLoss {
				bestLoss = l
				if err := checkpoint.SaveModel(filepath.Join(cfg.CheckpointDir, "best.safetensors"), cfg.Model, map[string]string{"ember.epoch": fmt.Sprint(epoch)}); err != nil {
					out.finish()
					return h, err
				}
			}
			if every := max(cfg.CheckpointEvery, 1); epoch%every == 0 || epoch == cfg.Epochs {
				if err := saveCheckpoint(cfg, h, epoch); err != nil {
					out.finish()
					return h, err
				}
			}
		}
		if cfg.OnEpoch != nil {
			if err := cfg.OnEpoch(rec); err != nil {
				out.finish()
				return h, err
			}
		}
		if stop != nil {
			done, err := stop.update(rec)
			if err != nil {
				out.finish()
				return h, err
			}
			h.BestEpoch = stop.bestEpoch
			if done {
				h.StoppedEarly = true
				break
			}
		}
	}
	out.finish()
	if stop != nil && stop.cfg.RestoreBest && stop.best != nil {
		if err := nn.LoadStateDict(cfg.Model, stop.best, true); err != nil {
			return h, err
		}
	}
	return h, nil
}

func trainEpoch(ctx context.Context, cfg Config, epoch int, out *reporter) (float64, map[string]float64, error) {
	total, n := 0.0, 0
	ms := newEpochMetrics(cfg.Metrics)
	step := 0
	for batch := range cfg.Train.All() {
		if err := ctx.Err(); err != nil {
			return 0, nil, err
		}
		step++
		at := where{epoch, step}
		yPred, loss, err := forward(cfg.Model, cfg.Loss, batch, at)
		if err != nil {
			return 0, nil, err
		}
		cfg.Optimizer.ZeroGrad()
		if err := guard(func() { loss.Backward() }); err != nil {
			return 0, nil, fmt.Errorf("train: backward (%s): %w", at, err)
		}
		l := loss.Item()
		if math.IsNaN(l) || math.IsInf(l, 0) {
			return 0, nil, fmt.Errorf("%w: %v at epoch %d, step %d", ErrNonFinite, l, epoch, step)
		}
		if cfg.ClipGradNorm > 0 {
			optim.ClipGradNorm(nn.Parameters(cfg.Model), cfg.ClipGradNorm, 2)
		}
		cfg.Optimizer.Step()
		if cfg.StepScheduler != nil {
			cfg.StepScheduler.Step()
		}
		bs := batch.X.Size(0)
		total += l * float64(bs)
		n += bs
		if err := ms.add(yPred.Detach(), batch.Y, at); err != nil {
			return 0, nil, err
		}
		out.step(l)
		if cfg.OnStep != nil {
			if err := cfg.OnStep(Step{Epoch: epoch, Step: step, Loss: l}); err != nil {
				return 0, nil, err
			}
		}
	}
	return total / float64(max(n, 1)), ms.values(), nil
}

// forward runs the model and the loss on a batch; a panic in either (a shape mismatch, say)
// becomes an error naming the shapes involved and where (at) it happened.
func forward(model nn.Module, lossFn nn.Loss, b data.Batch, at where) (out, loss *tensor.Tensor, err error) {
	if err := guard(func() { out = model.Forward(b.X) }); err != nil {
		return nil, nil, fmt.Errorf("train: model: input %v (%s): %w", b.X.Shape(), at, err)
	}
	if err := guard(func() { loss = lossFn(out, b.Y) }); err != nil {
		return nil, nil, fmt.Errorf("train: loss: model output %v, target %v (%s): %w", out.Shape(), b.Y.Shape(), at, err)
	}
	if loss.Numel() != 1 {
		return nil, nil, fmt.Errorf("train: loss: model output %v, target %v (%s): the loss has shape %v; it should be a scalar", out.Shape(), b.Y.Shape(), at, loss.Shape())
	}
	return out, loss, nil
}

// where names a training step (epoch ≥ 1) or a validation step (epoch 0) in errors.
type where struct{ epoch, step int }

func (w where) String() string {
	if w.epoch == 0 {
		return fmt.Sprintf("validation step %d", w.step)
	}
	return fmt.Sprintf("epoch %d, step %d", w.epoch, w.step)
}

// guard runs f and returns its panic, if any, as an error.
func guard(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(error); ok {
				err = e
			} else {
				err = errors.New(fmt.Sprint(r))
			}
		}
	}()
	f()
	return nil
}

// epochMetrics accumulates a run's metrics over one epoch.
type epochMetrics struct {
	ms   []Metric
	accs []Accumulator
}

func newEpochMetrics(ms []Metric) *epochMetrics {
	e := &epochMetrics{ms: ms}
	for _, m := range ms {
		e.accs = append(e.accs, m.accumulator())
	}
	return e
}

func (e *epochMetrics) add(out, y *tensor.Tensor, at where) error {
	for i, a := range e.accs {
		if err := guard(func() { a.Add(out, y) }); err != nil {
			return fmt.Errorf("train: metric %q: model output %v, target %v (%s): %w", e.ms[i].Name, out.Shape(), y.Shape(), at, err)
		}
	}
	return nil
}

// values returns the defined metrics by name.
func (e *epochMetrics) values() map[string]float64 {
	vals := map[string]float64{}
	for i, a := range e.accs {
		if v, ok := a.Value(); ok {
			vals[e.ms[i].Name] = v
		}
	}
	return vals
}

// Evaluate returns the mean loss and metrics of model over a loader, in evaluation mode and
// without recording gradients; it restores nothing, so call nn.Train afterwards if needed.
// It panics where Fit would return an error (a shape mismatch, say).
func Evaluate(model nn.Module, loss nn.Loss, loader *data.DataLoader, metrics []Metric) (float64, map[string]float64) {
	l, ms, err := evaluate(model, loss, loader, metrics)
	if err != nil {
		panic(err)
	}
	return l, ms
}

func evaluate(model nn.Module, lossFn nn.Loss, loader *data.DataLoader, metrics []Metric) (float64, map[string]float64, error) {
	nn.Eval(model)
	total, n := 0.0, 0
	ms := newEpochMetrics(metrics)
	var err error
	tensor.NoGrad(func() {
		step := 0
		for batch := range loader.All() {
			step++
			at := where{0, step}
			var out, loss *tensor.Tensor
			if out, loss, err = forward(model, lossFn, batch, at); err != nil {
				return
			}
			bs := batch.X.Size(0)
			total += loss.Item() * float64(bs)
			n += bs
			if err = ms.add(out, batch.Y, at); err != nil {
				return
			}
		}
	})
	if err != nil {
		return 0, nil, err
	}
	return total / float64(max(n, 1)), ms.values(), nil
}

// stopper implements early stopping.
type stopper struct {
	cfg       EarlyStopping
	model     nn.Module
	higher    bool
	bestValue float64
	bestEpoch int
	wait      int
	best      map[string]*tensor.Tensor
}

func newStopper(cfg Config) *stopper {
	if cfg.EarlyStopping == nil {
		return nil
	}
	es := *cfg.EarlyStopping
	if es.Monitor == "" {
		es.Monitor = "val_loss"
		if cfg.Val == nil {
			es.Monitor = "train_loss"
		}
	}
	s := &stopper{cfg: es, model: cfg.Model}
	for _, m := range cfg.Metrics {
		if strings.HasSuffix(es.Monitor, "_"+m.Name) {
			s.higher = m.Higher
		}
	}
	s.bestValue = math.Inf(1)
	if s.higher {
		s.bestValue = math.Inf(-1)
	}
	return s
}

func (s *stopper) update(rec Epoch) (stop bool, err error) {
	v, ok := rec.Value(s.cfg.Monitor)
	if !ok {
		return false, fmt.Errorf("train: early stopping monitors %q, which this run does not record (have train_loss, val_loss and metric keys)", s.cfg.Monitor)
	}
	improved := v < s.bestValue-s.cfg.MinDelta
	if s.higher {
		improved = v > s.bestValue+s.cfg.MinDelta
	}
	if improved {
		s.bestValue, s.bestEpoch, s.wait = v, rec.Epoch, 0
		if s.cfg.RestoreBest {
			s.best = map[string]*tensor.Tensor{}
			for _, e := range nn.NamedTensors(s.model) {
				s.best[e.Name] = e.Tensor.Detach().Clone()
			}
		}
		return false, nil
	}
	s.wait++
	return s.wait >= s.cfg.Patience, nil
}

// reporter prints progress: a bar redrawn in place on terminals, a line per epoch elsewhere.
// (A bar library would pull net/http into the core, so this small one is written here.)
type reporter struct {
	w        io.Writer
	terminal bool
	epochs   int
	steps    int
	done     int
	last     time.Time
}

func newReporter(w io.Writer, epochs, steps int) *reporter {
	r := &reporter{w: w, epochs: epochs, steps: steps}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		r.terminal = true
	}
	return r
}

func (r *reporter) step(loss float64) {
	r.done++
	if !r.terminal || time.Since(r.last) < 100*time.Millisecond {
		return
	}
	r.last = time.Now()
	total := r.epochs * r.steps
	const width = 30
	filled := width * r.done / max(total, 1)
	fmt.Fprintf(r.w, "\r[%s%s] %d/%d steps  loss %.4f ", strings.Repeat("=", filled), strings.Repeat(" ", width-filled), r.done, total, loss)
}

// FormatEpoch formats an epoch record as one line.
func FormatEpoch(e Epoch, epochs int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "epoch %*d/%d  train_loss %.4f", len(fmt.Sprint(epochs)), e.Epoch, epochs, e.TrainLoss)
	if v, ok := e.Metrics["train_accuracy"]; ok {
		fmt.Fprintf(&b, "  train_acc %.4f", v)
	}
	if !math.IsNaN(e.ValLoss) {
		fmt.Fprintf(&b, "  val_loss %.4f", e.ValLoss)
	}
	if v, ok := e.Metrics["val_accuracy"]; ok {
		fmt.Fprintf(&b, "  val_acc %.4f", v)
	}
	for _, k := range slices.Sorted(maps.Keys(e.Metrics)) {
		if !strings.HasSuffix(k, "_accuracy") {
			fmt.Fprintf(&b, "  %s %.4f", k, e.Metrics[k])
		}
	}
	fmt.Fprintf(&b, "  lr %.3g  (%s)", e.LR, e.Duration.Round(time.Millisecond))
	return b.String()
}

func (r *reporter) epoch(e Epoch) {
	if r.w == nil {
		return
	}
	if r.terminal {
		fmt.Fprint(r.w, "\r\033[K") // clear the bar
	}
	fmt.Fprintln(r.w, FormatEpoch(e, r.epochs))
}

func (r *reporter) finish() {
	if r.terminal {
		fmt.Fprint(r.w, "\r\033[K")
	}
}

func monitoredLoss(e Epoch) float64 {
	if !math.IsNaN(e.ValLoss) {
		return e.ValLoss
	}
	return e.TrainLoss
}

// epochJSON is an Epoch as checkpoints store it: no val_loss without validation, and null
// for other non-finite values (read back as NaN).
type epochJSON struct {
	Epoch     int                  `json:"epoch"`
	TrainLoss float64              `json:"train_loss"`
	ValLoss   *jsonFloat           `json:"val_loss,omitempty"`
	Metrics   map[string]jsonFloat `json:"metrics,omitempty"`
	LR        float64              `json:"lr"`
	Duration  time.Duration        `json:"duration_ns"`
}

func saveCheckpoint(cfg Config, h *History, epoch int) error {
	var hist []epochJSON
	for _, e := range h.Epochs {
		j := epochJSON{e.Epoch, e.TrainLoss, nil, toJSONFloats(e.Metrics), e.LR, e.Duration}
		if !math.IsNaN(e.ValLoss) {
			v := jsonFloat(e.ValLoss)
			j.ValLoss = &v
		}
		hist = append(hist, j)
	}
	hb, err := json.Marshal(hist)
	if err != nil {
		return err
	}
	return checkpoint.Save(filepath.Join(cfg.CheckpointDir, "last.safetensors"), checkpoint.State{
		Model: cfg.Model, Optimizer: cfg.Optimizer, Scheduler: cfg.Scheduler, StepScheduler: cfg.StepScheduler, Plateau: cfg.Plateau, Epoch: epoch,
		Extra: map[string]string{"history": string(hb)},
	})
}

// resume loads cfg.Resume into the run's objects and history and returns the epochs done.
func resume(cfg Config, h *History) (int, error) {
	c := checkpoint.State{Model: cfg.Model, Optimizer: cfg.Optimizer, Scheduler: cfg.Scheduler, StepScheduler: cfg.StepScheduler, Plateau: cfg.Plateau}
	if err := checkpoint.Load(cfg.Resume, &c); err != nil {
		return 0, err
	}
	var hist []epochJSON
	if s := c.Extra["history"]; s != "" {
		if err := json.Unmarshal([]byte(s), &hist); err != nil {
			return 0, fmt.Errorf("train: resume: history: %w", err)
		}
	}
	for _, j := range hist {
		e := Epoch{Epoch: j.Epoch, TrainLoss: j.TrainLoss, ValLoss: math.NaN(), Metrics: fromJSONFloats(j.Metrics), LR: j.LR, Duration: j.Duration}
		if j.ValLoss != nil {
			e.ValLoss = float64(*j.ValLoss)
		}
		h.Epochs = append(h.Epochs, e)
	}
	cfg.Train.SetEpoch(c.Epoch)
	return c.Epoch, nil
}
