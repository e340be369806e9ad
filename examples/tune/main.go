// Command tune measures package tune on a fixed benchmark, the targets of issue 20: an MLP on
// a Fashion-MNIST subset (the first 2,000 training images to train, the next 1,000 to
// validate) with 4 hyperparameters — lr 1e-4…1e-1 (log), hidden width 16…64 (log), hidden
// layers 1…3, dropout 0…0.5 — each trial trained for 6 epochs with Adam (batch 64, cosine
// schedule) and seeded with its trial seed. The score is the validation accuracy after the
// last epoch. TPE is compared with random search here, and with Optuna 3.1's TPE (Debian's
// python3-optuna) by scripts/optuna_tune.py, which has this program evaluate Optuna's trials
// (-eval, -serve; see "Against Optuna" below). The subset, widths and epochs are smaller than
// the sketch so that the whole benchmark fits in the long test's 5 minutes on 2 cores.
//
//   - Search quality: 40 trials, seeds 1–5: TPE's best ≥ random search's best in every seed.
//     (TPE's first 10 trials are random search's first 10: both draw them from the same
//     per-trial generators.)
//   - Pruning: TPE with ASHA (tune.SuccessiveHalving{}, Optuna's defaults) runs ≤ 50% of the
//     epochs of the unpruned TPE search, and its best is within 0.5 points of the unpruned
//     best on average over the seeds.
//   - Parallelism: 20 random-search trials (the same trials at any parallelism), 2 at a time
//     against 1 at a time: wall time ≤ 60%.
//
// `go run ./examples/tune` prints (the quality and epoch columns are deterministic):
//
//	seed  random  TPE     TPE+pruner  epochs  pruned epochs
//	   1  0.7960  0.8070  0.8110         240     101 (42%)
//	   2  0.7940  0.8150  0.8130         240      80 (33%)
//	   3  0.8010  0.8110  0.8170         240      86 (36%)
//	   4  0.7950  0.8210  0.8120         240      96 (40%)
//	   5  0.8040  0.8140  0.8030         240     104 (43%)
//	pruning ran 38.9% of the epochs; its best is 0.24 points below the unpruned best on average
//
// TPE beats random search in every seed (by 1.0–2.6 points). ASHA saves 61% of the epochs;
// its best is 0.24 points below the unpruned best on average (per seed from 0.6 above to 1.1
// below: the pruned study samples other trials). The median pruner (-pruner median) saves
// only 41% (58.7% of the epochs run, 0.44 points below): it misses the 50% target.
//
// The parallel timing (median of 3–5 alternating repeats each) depends on what else the 2
// cores run: measured on 2 cores shared with other builds, 2 at a time took 0.43 (load
// average ≈ 4), 0.58 (≈ 7), 0.60 (≈ 6), 0.84 (≈ 8) and 1.11 (≈ 11) of the time of 1 at a
// time. The target is met when the second core is free enough to take the second trial.
//
// Against Optuna. scripts/optuna_tune.py runs Optuna 3.1's TPESampler(seed=s) with its
// defaults, which Ember's TPE shares (10 random startup trials, 24 candidates, one estimator
// per parameter), on the same space (suggest_float lr log, suggest_int hidden log and layers,
// suggest_float dropout), 40 trials, maximizing, and sends every trial to one
// `tunebench -serve` process (--per-process: one `-eval` run per trial, the same values plus
// 3 s of data loading each). The objective is the study's own (Run): trial n of seed s trains
// with the seed an Ember study with seed s gives its trial n (TrialSeed), so a configuration
// scores the same, bit for bit, under both samplers (TestEvalIsTheStudysObjective).
//
//	go build -o /tmp/tunebench ./examples/tune
//	/tmp/tunebench -only tpe -seeds 5       # Ember's TPE alone (-only random: random search)
//	/usr/bin/python3 scripts/optuna_tune.py # seeds 1–5; writes examples/tune/optuna_results.jsonl
//
//	seed  random  Ember TPE  Optuna TPE
//	   1  0.7960  0.8070     0.8100
//	   2  0.7940  0.8150     0.8120
//	   3  0.8010  0.8110     0.8250
//	   4  0.7950  0.8210     0.8170
//	   5  0.8040  0.8140     0.8220
//	mean  0.7980  0.8136     0.8172
//
// The target (Ember's mean ≥ Optuna's) is missed on seeds 1–5: Ember's TPE is 0.36 points
// below, behind in 3 seeds of 5. More seeds say this is noise, not a weaker sampler: over
// seeds 1–20 (-only tpe -seeds 20; optuna_tune.py --seeds 1,2,…,20, whose output is
// optuna_results_20seeds.jsonl) Ember's mean best is 0.8129 (std 0.57 points over seeds) and
// Optuna's 0.8135 (std 0.69); the per-seed difference averages −0.06 points with a standard
// error of 0.18, Ember ahead in 8 seeds, level in 1, behind in 11; on seeds 6–20, looked at
// only after 1–5, Ember leads, 0.8126 to 0.8122. Random search (-only random -seeds 20)
// averages 0.8011; on seeds 6–20 it beats Ember's TPE once (seed 20: 0.8080 to 0.8070) and
// Optuna's twice (seeds 7 and 17), so "TPE ≥ random in every seed" holds for 1–5, not always.
//
// The difference is not in the estimators: given the same observations, Ember's Parzen
// log-densities equal Optuna 3.1's to 1e-9 once Optuna's three departures are copied, and
// none of them is one to copy. (1) Optuna 3.1's truncated-normal logpdf lacks the −log σ
// term (optuna#5109, fixed in Optuna 3.5 by #5110), so a narrow kernel's density is too low
// next to a wide one's;
// (2) for a log-scaled Int it takes the density at x, where Ember (and Optuna since #6258)
// takes the mass of x's bin; (3) it sorts tied observations with an unstable argsort, so with
// ramped weights (over 25 trials) tied observations can swap widths. Copying (1) and (2) into
// Ember's TPE makes it worse here (mean 0.8104 on seeds 1–5, 0.8108 on 1–20), and
// Optuna 3.1 with #5110's fix patched in (−log σ added, as Optuna 3.5+ does) does worse too
// (0.8106 and 0.8095): each change moves a sampler's path, and the means move by more than
// the gap above. tune/tpe.go is unchanged. The noise comes from the paths: Ember's startup
// trials come from its own per-trial generators, Optuna's from NumPy's, so the two samplers
// see different trials from the first one on; a seed's best spreads by 0.6–0.7 points (std)
// from seed to seed, so a mean over 5 seeds is uncertain by about ±0.3 points, as much as the
// gap.
//
// Time per trial is the objective's in both: training takes 0.15 s a trial on average (load
// average ≈ 2 on the 2 cores), Ember's TPE adds about 2 ms of sampling (tune's
// BenchmarkStudy, 100-trial study) and Optuna's about 11 ms, plus 0.02 s for the JSON round
// trip to -serve. The Optuna run took 36 s for seeds 1–5, and 5–8 minutes for seeds 1–20
// with other jobs running.
//
// `go test -tags long ./examples/tune` runs this configuration and checks the quality and
// pruning targets; it logs the parallel timing, which a shared machine cannot check. It took
// 3.5 minutes (1.6 minutes of CPU) on the 2 shared cores.
//
//	go run ./examples/tune [-seeds 5] [-trials 40] [-epochs 6] [-pruner asha] [-repeats 3]
//	go run ./examples/tune -only tpe|random [-seeds 5]
//	go run ./examples/tune -eval '{"lr":0.01,"hidden":32,"layers":2,"dropout":0.1}' -seed 1 -trial 0
//	go run ./examples/tune -serve < requests.jsonl   # {"seed":1,"trial":0,"params":{…}} a line
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"math"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/ember-ml/ember/data"
	"github.com/ember-ml/ember/nn"
	"github.com/ember-ml/ember/optim"
	"github.com/ember-ml/ember/optim/lr"
	"github.com/ember-ml/ember/tensor"
	"github.com/ember-ml/ember/train"
	"github.com/ember-ml/ember/tune"
)

// Bench is the benchmark's data and training length.
type Bench struct {
	Train, Val *data.TensorDataset
	Epochs     int
}

// Load takes the first trainRows images of Fashion-MNIST's training file to train and the
// next valRows to validate.
func Load(dir string, trainRows, valRows, epochs int) (*Bench, error) {
	all, _, err := data.LoadFashionMNIST(dir)
	if err != nil {
		return nil, err
	}
	if trainRows+valRows > all.Len() {
		return nil, fmt.Errorf("tune: %d + %d rows asked for, Fashion-MNIST has %d", trainRows, valRows, all.Len())
	}
	rows := func(start, n int) *data.TensorDataset {
		return &data.TensorDataset{X: all.X.Narrow(0, start, n).Contiguous(), Y: all.Y.Narrow(0, start, n).Contiguous()}
	}
	return &Bench{Train: rows(0, trainRows), Val: rows(trainRows, valRows), Epochs: epochs}, nil
}

// Space is the benchmark's 4 hyperparameters.
func Space() []tune.Param {
	return []tune.Param{
		tune.Float("lr", 1e-4, 1e-1, tune.Log()),
		tune.Int("hidden", 16, 64, tune.Log()),
		tune.Int("layers", 1, 3),
		tune.Float("dropout", 0, 0.5),
	}
}

// Config is one point of Space: the network's hyperparameters, named as in Space and in
// -eval's JSON.
type Config struct {
	LR      float64 `json:"lr"`
	Hidden  int     `json:"hidden"`
	Layers  int     `json:"layers"`
	Dropout float64 `json:"dropout"`
}

// check returns an error naming the first value of c outside Space.
func (c Config) check() error {
	for _, p := range Space() {
		v := map[string]float64{"lr": c.LR, "hidden": float64(c.Hidden), "layers": float64(c.Layers), "dropout": c.Dropout}[p.Name]
		if !(v >= p.Lo && v <= p.Hi) {
			return fmt.Errorf("tune: %s %v is outside the benchmark's range %s", p.Name, v, p)
		}
	}
	return nil
}

// Run trains c's network, initialised and shuffled with seed, and returns its validation
// accuracy after the last epoch. onEpoch, if not nil, sees each epoch's (from 0) validation
// accuracy; an error it returns stops training and is returned.
func (b *Bench) Run(c Config, seed uint64, onEpoch func(epoch int, acc float64) error) (float64, error) {
	if err := c.check(); err != nil {
		return math.NaN(), err
	}
	gen := tensor.NewGenerator(seed)
	var layers []nn.Module
	in := b.Train.X.Size(1)
	for range c.Layers {
		layers = append(layers, nn.Linear(in, c.Hidden, nn.WithGenerator(gen)), nn.ReLU(),
			nn.Dropout(c.Dropout, nn.WithGenerator(gen)))
		in = c.Hidden
	}
	model := nn.Sequential(append(layers, nn.Linear(in, 10, nn.WithGenerator(gen)))...)
	opt := optim.Adam(model.Parameters(), optim.LR(c.LR))
	acc := math.NaN()
	_, err := train.Fit(context.Background(), train.Config{
		Model: model, Loss: nn.CrossEntropyLoss(), Optimizer: opt, Epochs: b.Epochs,
		Train:     data.Loader(b.Train, 64, data.Shuffle(seed)),
		Val:       data.Loader(b.Val, 1000),
		Scheduler: lr.CosineAnnealingLR(opt, b.Epochs, 0),
		Metrics:   []train.Metric{train.MulticlassAccuracy()},
		OnEpoch: func(e train.Epoch) error {
			acc = e.Metrics["val_accuracy"]
			if onEpoch != nil {
				return onEpoch(e.Epoch, acc)
			}
			return nil
		},
	})
	return acc, err
}

// Objective runs each trial's Config with the trial's seed (Run), reporting the validation
// accuracy after every epoch and stopping when the pruner says so. It adds the epochs it
// runs to epochs.
func (b *Bench) Objective(epochs *atomic.Int64) func(*tune.Trial) (float64, error) {
	return func(t *tune.Trial) (float64, error) {
		c := Config{LR: t.Float("lr"), Hidden: t.Int("hidden"), Layers: t.Int("layers"), Dropout: t.Float("dropout")}
		return b.Run(c, t.Seed(), func(epoch int, acc float64) error {
			epochs.Add(1)
			t.Report(epoch, acc)
			if t.ShouldPrune() {
				return tune.ErrPruned
			}
			return nil
		})
	}
}

// TrialSeed is the seed that an Ember study with seed seed gives its trial number n
// (tune.Trial.Seed), read from such a study, so that -eval trains trial n of an outside
// sampler's study exactly as trial n of an Ember study with the same parameters.
func TrialSeed(seed uint64, n int) (uint64, error) {
	if n < 0 {
		return 0, fmt.Errorf("tune: trial number %d must not be negative", n)
	}
	var out uint64
	s := &tune.Study{Space: Space(), Sampler: tune.Random{}, Seed: seed}
	err := s.Optimize(func(t *tune.Trial) (float64, error) {
		if t.Number() == n {
			out = t.Seed()
		}
		return 0, nil
	}, n+1)
	return out, err
}

// Eval is -eval's result: one configuration's validation accuracy, trained as trial Trial of
// an Ember study with seed Seed.
type Eval struct {
	Value     float64 `json:"value"`
	Seed      uint64  `json:"seed"`
	Trial     int     `json:"trial"`
	TrialSeed uint64  `json:"trial_seed"`
	Config
	Seconds float64 `json:"seconds"` // training time, data loading excluded
}

// Serve answers requests, one JSON object per line of r ({"seed":1,"trial":3,"params":{…}},
// params as for Eval), with one line of Eval's JSON each on w, or {"error":"…"} for a bad
// request: -eval without reloading the data for every trial. It returns at the end of r.
func (b *Bench) Serve(r io.Reader, w io.Writer) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(nil, 1<<20)
	enc := json.NewEncoder(w)
	for sc.Scan() {
		var req struct {
			Seed   uint64          `json:"seed"`
			Trial  int             `json:"trial"`
			Params json.RawMessage `json:"params"`
		}
		var out any
		if err := json.Unmarshal(sc.Bytes(), &req); err != nil {
			out = map[string]string{"error": fmt.Sprintf("tune: -serve: %v", err)}
		} else if e, err := b.Eval(string(req.Params), req.Seed, req.Trial); err != nil {
			out = map[string]string{"error": err.Error()}
		} else {
			out = e
		}
		if err := enc.Encode(out); err != nil {
			return err
		}
	}
	return sc.Err()
}

// Eval trains the configuration in js (Config's JSON; every field required) as trial n of a
// study with seed seed.
func (b *Bench) Eval(js string, seed uint64, n int) (Eval, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(js), &raw); err != nil {
		return Eval{}, fmt.Errorf("tune: -eval: %w", err)
	}
	for _, p := range Space() {
		if _, ok := raw[p.Name]; !ok {
			return Eval{}, fmt.Errorf("tune: -eval: %q is missing from %s", p.Name, js)
		}
	}
	dec := json.NewDecoder(strings.NewReader(js))
	dec.DisallowUnknownFields()
	var c Config
	if err := dec.Decode(&c); err != nil {
		return Eval{}, fmt.Errorf("tune: -eval: %w", err)
	}
	ts, err := TrialSeed(seed, n)
	if err != nil {
		return Eval{}, err
	}
	start := time.Now()
	v, err := b.Run(c, ts, nil)
	return Eval{Value: v, Seed: seed, Trial: n, TrialSeed: ts, Config: c, Seconds: time.Since(start).Seconds()}, err
}

// Result is one study's outcome.
type Result struct {
	Best   float64 // the best complete trial's validation accuracy
	Epochs int64   // epochs run by all trials together
	Wall   time.Duration
}

// Search runs a study of trials trials and returns its best score, epochs and wall time.
func (b *Bench) Search(sampler tune.Sampler, pruner tune.Pruner, seed uint64, trials, parallel int) (Result, error) {
	var epochs atomic.Int64
	s := &tune.Study{Space: Space(), Direction: tune.Maximize, Sampler: sampler, Pruner: pruner, Seed: seed, Parallel: parallel}
	start := time.Now()
	if err := s.Optimize(b.Objective(&epochs), trials); err != nil {
		return Result{}, err
	}
	r := Result{Epochs: epochs.Load(), Wall: time.Since(start)}
	best, ok := s.Best()
	if !ok {
		return r, errors.New("tune: no trial completed")
	}
	r.Best = best.Value
	return r, nil
}

// SeedResult is one seed's row of the quality and pruning comparison.
type SeedResult struct {
	Seed                 uint64
	Random, TPE, TPEPrun Result
}

// Compare runs random search, TPE and TPE with pruner for each seed.
func (b *Bench) Compare(seeds []uint64, trials int, pruner tune.Pruner, log func(SeedResult)) ([]SeedResult, error) {
	var out []SeedResult
	for _, seed := range seeds {
		r := SeedResult{Seed: seed}
		var err error
		if r.Random, err = b.Search(tune.Random{}, nil, seed, trials, 1); err != nil {
			return nil, err
		}
		if r.TPE, err = b.Search(tune.TPE{}, nil, seed, trials, 1); err != nil {
			return nil, err
		}
		if r.TPEPrun, err = b.Search(tune.TPE{}, pruner, seed, trials, 1); err != nil {
			return nil, err
		}
		if log != nil {
			log(r)
		}
		out = append(out, r)
	}
	return out, nil
}

// Timing is the parallel comparison: the wall times of repeats runs of the same study, 1
// and 2 trials at a time, run alternately.
type Timing struct {
	One, Two []time.Duration
}

// Ratio is median(Two) / median(One).
func (t Timing) Ratio() float64 { return median(t.Two).Seconds() / median(t.One).Seconds() }

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// Parallel times a random-search study of trials trials (the same trials at any
// parallelism) at 1 and 2 trials at a time, repeats times each, alternating.
func (b *Bench) Parallel(trials, repeats int, seed uint64) (Timing, error) {
	var t Timing
	for range repeats {
		for _, p := range []int{1, 2} {
			r, err := b.Search(tune.Random{}, nil, seed, trials, p)
			if err != nil {
				return t, err
			}
			if p == 1 {
				t.One = append(t.One, r.Wall)
			} else {
				t.Two = append(t.Two, r.Wall)
			}
		}
	}
	return t, nil
}

// PrunerByName returns "median" or "asha" with Optuna's defaults.
func PrunerByName(name string) (tune.Pruner, error) {
	switch name {
	case "median":
		return tune.MedianPruner{}, nil
	case "asha":
		return tune.SuccessiveHalving{}, nil
	}
	return nil, fmt.Errorf("unknown pruner %q: want median or asha", name)
}

// Summary checks the targets: TPE ≥ random in every seed, pruned epochs ≤ 50% of unpruned,
// and the pruned best (mean over seeds) within 0.5 points of the unpruned best. It returns
// the epoch ratio and mean best-score gap, and the targets missed.
func Summary(rs []SeedResult) (epochRatio, gap float64, missed []string) {
	var epochs, epochsPruned int64
	for _, r := range rs {
		if r.TPE.Best < r.Random.Best {
			missed = append(missed, fmt.Sprintf("seed %d: TPE's best %.4f < random search's %.4f", r.Seed, r.TPE.Best, r.Random.Best))
		}
		epochs += r.TPE.Epochs
		epochsPruned += r.TPEPrun.Epochs
		gap += (r.TPE.Best - r.TPEPrun.Best) / float64(len(rs))
	}
	epochRatio = float64(epochsPruned) / float64(epochs)
	if epochRatio > 0.5 {
		missed = append(missed, fmt.Sprintf("pruning ran %.0f%% of the unpruned epochs; the target is ≤ 50%%", 100*epochRatio))
	}
	if gap > 0.005 {
		missed = append(missed, fmt.Sprintf("the pruned search's best is %.2f points below the unpruned one on average; the target is ≤ 0.5", 100*gap))
	}
	return epochRatio, gap, missed
}

func main() {
	var (
		dir       = flag.String("dir", "", "Fashion-MNIST folder (default: Debian's)")
		nSeeds    = flag.Int("seeds", 5, "seeds 1…n")
		trials    = flag.Int("trials", 40, "trials per study in the quality and pruning comparison")
		epochs    = flag.Int("epochs", 6, "epochs per trial")
		trainRows = flag.Int("train", 2000, "training images")
		valRows   = flag.Int("val", 1000, "validation images")
		prune     = flag.String("pruner", "asha", "pruner: asha or median")
		parTrials = flag.Int("parallel-trials", 20, "trials of the parallel timing study (0: skip it)")
		repeats   = flag.Int("repeats", 3, "repeats of the parallel timing")
		eval      = flag.String("eval", "", `evaluate one configuration, {"lr":…,"hidden":…,"layers":…,"dropout":…}, print its score as JSON, and exit`)
		evalSeed  = flag.Uint64("seed", 1, "with -eval: the study seed")
		evalTrial = flag.Int("trial", 0, "with -eval: the trial number")
		only      = flag.String("only", "", "run one sampler's studies (tpe or random), without pruning, and print each seed's best: the side of the Optuna comparison")
		serve     = flag.Bool("serve", false, `evaluate configurations read from stdin, one {"seed":…,"trial":…,"params":{…}} a line, answering each with -eval's JSON line`)
	)
	flag.Parse()
	pruner, err := PrunerByName(*prune)
	if err != nil {
		log.Fatal(err)
	}
	b, err := Load(*dir, *trainRows, *valRows, *epochs)
	if err != nil {
		log.Fatal(err)
	}
	if *serve {
		if err := b.Serve(os.Stdin, os.Stdout); err != nil {
			log.Fatal(err)
		}
		return
	}
	if *eval != "" {
		r, err := b.Eval(*eval, *evalSeed, *evalTrial)
		if err != nil {
			log.Fatal(err)
		}
		js, err := json.Marshal(r)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(string(js))
		return
	}
	var seeds []uint64
	for s := range *nSeeds {
		seeds = append(seeds, uint64(s+1))
	}
	start := time.Now()
	fmt.Printf("%d train / %d validation images, %d epochs\n", *trainRows, *valRows, *epochs)
	if *only != "" {
		sampler, ok := map[string]tune.Sampler{"tpe": tune.TPE{}, "random": tune.Random{}}[*only]
		if !ok {
			log.Fatalf("unknown sampler %q: want tpe or random", *only)
		}
		fmt.Printf("%d trials per study; sampler %s\nseed  best    time/trial\n", *trials, *only)
		sum := 0.0
		for _, seed := range seeds {
			r, err := b.Search(sampler, nil, seed, *trials, 1)
			if err != nil {
				log.Fatal(err)
			}
			sum += r.Best
			fmt.Printf("%4d  %.4f  %.3fs\n", seed, r.Best, r.Wall.Seconds()/float64(*trials))
		}
		fmt.Printf("mean best %.4f\n", sum/float64(len(seeds)))
		return
	}
	var missed []string
	if len(seeds) > 0 {
		fmt.Printf("%d trials per study; pruner %s\n", *trials, *prune)
		fmt.Println("seed  random  TPE     TPE+pruner  epochs  pruned epochs")
		rs, err := b.Compare(seeds, *trials, pruner, func(r SeedResult) {
			fmt.Printf("%4d  %.4f  %.4f  %.4f      %6d  %6d (%.0f%%)\n", r.Seed, r.Random.Best, r.TPE.Best, r.TPEPrun.Best,
				r.TPE.Epochs, r.TPEPrun.Epochs, 100*float64(r.TPEPrun.Epochs)/float64(r.TPE.Epochs))
		})
		if err != nil {
			log.Fatal(err)
		}
		var ratio, gap float64
		ratio, gap, missed = Summary(rs)
		fmt.Printf("pruning ran %.1f%% of the epochs; its best is %.2f points below the unpruned best on average\n", 100*ratio, 100*gap)
	}
	if *parTrials > 0 {
		t, err := b.Parallel(*parTrials, *repeats, 1)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%d trials 1 at a time: %v; 2 at a time: %v; median ratio %.2f\n", *parTrials, t.One, t.Two, t.Ratio())
	}
	for _, m := range missed {
		fmt.Println("missed:", m)
	}
	fmt.Printf("total time %s\n", time.Since(start).Round(time.Second))
}
