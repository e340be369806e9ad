// Package lr holds learning-rate schedulers with PyTorch's semantics: StepLR, MultiStepLR,
// ExponentialLR, CosineAnnealingLR, LinearLR (linear warmup), OneCycleLR and
// ReduceLROnPlateau.
//
// A scheduler is created after its optimizer and sets the learning rate for step 0 at once;
// call Step after each optimizer epoch (or after each batch for OneCycleLR), as in PyTorch.
package lr

import (
	"fmt"
	"math"
	"slices"

	"github.com/ember-ml/ember/optim"
)

// Scheduler changes an optimizer's learning rates as training progresses.
type Scheduler interface {
	// Step advances the schedule by one epoch (or batch) and sets the new rates.
	Step()
	// LastLR returns the current learning rate of each parameter group.
	LastLR() []float64
	// LastEpoch returns how many times Step has been called.
	LastEpoch() int
	// SetLastEpoch moves the schedule to epoch e (for resuming) and sets its rates.
	SetLastEpoch(e int)
}

// closedForm is a scheduler whose rate is a function of the epoch and the group's initial
// rate.
type closedForm struct {
	opt   *optim.Optimizer
	epoch int
	rate  func(base float64, epoch int) float64
}

func newClosedForm(opt *optim.Optimizer, rate func(base float64, epoch int) float64) *closedForm {
	for _, g := range opt.Groups() {
		if g.InitialLR == 0 {
			g.InitialLR = g.LR
		}
	}
	s := &closedForm{opt: opt, rate: rate}
	s.apply()
	return s
}

func (s *closedForm) apply() {
	for _, g := range s.opt.Groups() {
		g.LR = s.rate(g.InitialLR, s.epoch)
	}
}

func (s *closedForm) Step()              { s.epoch++; s.apply() }
func (s *closedForm) LastEpoch() int     { return s.epoch }
func (s *closedForm) SetLastEpoch(e int) { s.epoch = e; s.apply() }
func (s *closedForm) LastLR() []float64  { return lastLR(s.opt) }

func lastLR(opt *optim.Optimizer) []float64 {
	var out []float64
	for _, g := range opt.Groups() {
		out = append(out, g.LR)
	}
	return out
}

// StepLR multiplies the rate by gamma every stepSize epochs.
func StepLR(opt *optim.Optimizer, stepSize int, gamma float64) Scheduler {
	if stepSize <= 0 {
		panic(fmt.Sprintf("lr: StepLR: step size must be positive, got %d", stepSize))
	}
	return newClosedForm(opt, func(base float64, e int) float64 { return base * math.Pow(gamma, float64(e/stepSize)) })
}

// MultiStepLR multiplies the rate by gamma at each milestone epoch.
func MultiStepLR(opt *optim.Optimizer, milestones []int, gamma float64) Scheduler {
	ms := slices.Sorted(slices.Values(milestones))
	return newClosedForm(opt, func(base float64, e int) float64 {
		n := 0
		for _, m := range ms {
			if m <= e {
				n++
			}
		}
		return base * math.Pow(gamma, float64(n))
	})
}

// ExponentialLR multiplies the rate by gamma every epoch.
func ExponentialLR(opt *optim.Optimizer, gamma float64) Scheduler {
	return newClosedForm(opt, func(base float64, e int) float64 { return base * math.Pow(gamma, float64(e)) })
}

// CosineAnnealingLR follows η_min + (η₀ − η_min)·(1 + cos(π·e/T_max))/2.
func CosineAnnealingLR(opt *optim.Optimizer, tMax int, etaMin float64) Scheduler {
	if tMax <= 0 {
		panic(fmt.Sprintf("lr: CosineAnnealingLR: T_max must be positive, got %d", tMax))
	}
	return newClosedForm(opt, func(base float64, e int) float64 {
		return etaMin + (base-etaMin)*(1+math.Cos(math.Pi*float64(e)/float64(tMax)))/2
	})
}

// LinearLR scales the rate by a factor going linearly from startFactor to endFactor over
// totalIters epochs, then stays — PyTorch's LinearLR, the usual linear warmup.
func LinearLR(opt *optim.Optimizer, startFactor, endFactor float64, totalIters int) Scheduler {
	if startFactor <= 0 || startFactor > 1 || endFactor < 0 || endFactor > 1 || totalIters <= 0 {
		panic(fmt.Sprintf("lr: LinearLR: invalid factors %g, %g or total iters %d", startFactor, endFactor, totalIters))
	}
	return newClosedForm(opt, func(base float64, e int) float64 {
		f := startFactor + (endFactor-startFactor)*float64(min(e, totalIters))/float64(totalIters)
		return base * f
	})
}

// OneCycleOptions are OneCycleLR's settings; zero values take PyTorch's defaults
// (pct_start 0.3, div_factor 25, final_div_factor 1e4, momentum cycled between 0.85 and 0.95).
type OneCycleOptions struct {
	PctStart        float64
	DivFactor       float64
	FinalDivFactor  float64
	BaseMomentum    float64
	MaxMomentum     float64
	NoCycleMomentum bool
}

type oneCycle struct {
	opt                    *optim.Optimizer
	total                  int
	epoch                  int
	end1, end2             float64
	initial, maxLR, minLR  []float64
	baseM, maxM            float64
	cycleMomentum, useBeta bool
}

// OneCycleLR anneals the rate from maxLR/div_factor up to maxLR over pct_start of
// totalSteps, then down to initial/final_div_factor (cosine annealing), cycling momentum (or
// Adam's beta1) inversely. Step it after every batch; stepping past totalSteps panics.
func OneCycleLR(opt *optim.Optimizer, maxLR float64, totalSteps int, o OneCycleOptions) Scheduler {
	if totalSteps <= 0 {
		panic(fmt.Sprintf("lr: OneCycleLR: total steps must be positive, got %d", totalSteps))
	}
	def := func(v *float64, d float64) {
		if *v == 0 {
			*v = d
		}
	}
	def(&o.PctStart, 0.3)
	def(&o.DivFactor, 25)
	def(&o.FinalDivFactor, 1e4)
	def(&o.BaseMomentum, 0.85)
	def(&o.MaxMomentum, 0.95)
	s := &oneCycle{opt: opt, total: totalSteps, end1: o.PctStart*float64(totalSteps) - 1, end2: float64(totalSteps) - 1,
		baseM: o.BaseMomentum, maxM: o.MaxMomentum, cycleMomentum: !o.NoCycleMomentum}
	kind := opt.Kind()
	s.useBeta = kind == optim.KindAdam || kind == optim.KindAdamW
	if s.cycleMomentum && !s.useBeta && kind != optim.KindSGD && kind != optim.KindRMSprop {
		panic("lr: OneCycleLR: optimizer has no momentum; set NoCycleMomentum")
	}
	for _, g := range opt.Groups() {
		init := maxLR / o.DivFactor
		s.initial = append(s.initial, init)
		s.maxLR = append(s.maxLR, maxLR)
		s.minLR = append(s.minLR, init/o.FinalDivFactor)
		g.InitialLR = init
	}
	s.apply()
	return s
}

func cosAnneal(start, end, pct float64) float64 { return end + (start-end)/2*(math.Cos(math.Pi*pct)+1) }

func (s *oneCycle) apply() {
	if s.epoch > s.total {
		panic(fmt.Sprintf("lr: OneCycleLR: tried to step %d times; the total number of steps is %d", s.epoch, s.total))
	}
	e := float64(s.epoch)
	for i, g := range s.opt.Groups() {
		var lr, m float64
		if e <= s.end1 {
			pct := e / s.end1
			lr = cosAnneal(s.initial[i], s.maxLR[i], pct)
			m = cosAnneal(s.maxM, s.baseM, pct)
		} else {
			pct := (e - s.end1) / (s.end2 - s.end1)
			lr = cosAnneal(s.maxLR[i], s.minLR[i], pct)
			m = cosAnneal(s.baseM, s.maxM, pct)
		}
		g.LR = lr
		if s.cycleMomentum {
			if s.useBeta {
				g.Beta1 = m
			} else {
				g.Momentum = m
			}
		}
	}
}

func (s *oneCycle) Step()              { s.epoch++; s.apply() }
func (s *oneCycle) LastEpoch() int     { return s.epoch }
func (s *oneCycle) SetLastEpoch(e int) { s.epoch = e; s.apply() }
func (s *oneCycle) LastLR() []float64  { return lastLR(s.opt) }

// PlateauOptions are ReduceLROnPlateau's settings; zero values take PyTorch's defaults
// (mode "min", factor 0.1, patience 10, threshold 1e-4 "rel", cooldown 0, min_lr 0,
// eps 1e-8). Set ZeroPatience for a patience of 0.
type PlateauOptions struct {
	Mode          string
	Factor        float64
	Patience      int
	ZeroPatience  bool
	Threshold     float64
	ThresholdMode string
	Cooldown      int
	MinLR         float64
	Eps           float64
}

// Plateau lowers the rate when a monitored metric stops improving.
type Plateau struct {
	opt              *optim.Optimizer
	o                PlateauOptions
	best             float64
	numBad, cooldown int
	epoch            int
}

// ReduceLROnPlateau multiplies the rates by factor when the metric passed to Step has not
// improved for more than patience epochs.
func ReduceLROnPlateau(opt *optim.Optimizer, o PlateauOptions) *Plateau {
	if o.Mode == "" {
		o.Mode = "min"
	}
	if o.Factor == 0 {
		o.Factor = 0.1
	}
	if o.Patience == 0 && !o.ZeroPatience {
		o.Patience = 10
	}
	if o.Threshold == 0 {
		o.Threshold = 1e-4
	}
	if o.ThresholdMode == "" {
		o.ThresholdMode = "rel"
	}
	if o.Eps == 0 {
		o.Eps = 1e-8
	}
	if o.Factor >= 1 || (o.Mode != "min" && o.Mode != "max") || (o.ThresholdMode != "rel" && o.ThresholdMode != "abs") {
		panic(fmt.Sprintf("lr: ReduceLROnPlateau: invalid options %+v", o))
	}
	p := &Plateau{opt: opt, o: o, best: math.Inf(1)}
	if o.Mode == "max" {
		p.best = math.Inf(-1)
	}
	return p
}

func (p *Plateau) better(a float64) bool {
	switch {
	case p.o.Mode == "min" && p.o.ThresholdMode == "rel":
		return a < p.best*(1-p.o.Threshold)
	case p.o.Mode == "min":
		return a < p.best-p.o.Threshold
	case p.o.ThresholdMode == "rel":
		return a > p.best*(1+p.o.Threshold)
	}
	return a > p.best+p.o.Threshold
}

// Step records the epoch's metric and lowers the rates after a plateau.
func (p *Plateau) Step(metric float64) {
	p.epoch++
	if p.better(metric) {
		p.best, p.numBad = metric, 0
	} else {
		p.numBad++
	}
	if p.cooldown > 0 {
		p.cooldown--
		p.numBad = 0
	}
	if p.numBad > p.o.Patience {
		for _, g := range p.opt.Groups() {
			nl := math.Max(g.LR*p.o.Factor, p.o.MinLR)
			if g.LR-nl > p.o.Eps {
				g.LR = nl
			}
		}
		p.cooldown, p.numBad = p.o.Cooldown, 0
	}
}

// LastLR returns the current learning rate of each group.
func (p *Plateau) LastLR() []float64 { return lastLR(p.opt) }

// Best returns the best metric seen so far.
func (p *Plateau) Best() float64 { return p.best }

// PlateauState is what ReduceLROnPlateau remembers between epochs (PyTorch's state_dict of
// the scheduler without its settings): the best metric, the epochs without improvement, the
// cooldown left and the epochs seen.
type PlateauState struct {
	Best             float64
	NumBad, Cooldown int
	Epoch            int
}

// State returns the scheduler's state, for checkpoints.
func (p *Plateau) State() PlateauState {
	return PlateauState{Best: p.best, NumBad: p.numBad, Cooldown: p.cooldown, Epoch: p.epoch}
}

// SetState restores a state from State (the rates themselves live in the optimizer).
func (p *Plateau) SetState(s PlateauState) {
	p.best, p.numBad, p.cooldown, p.epoch = s.Best, s.NumBad, s.Cooldown, s.Epoch
}
