// Package optim implements PyTorch's optimizers — SGD, Adam, AdamW, RMSprop and Adagrad —
// with their exact update rules and defaults, parameter groups with their own
// hyperparameters, and gradient clipping.
//
// An Optimizer updates its parameters in place in Step, from the gradients Backward left in
// them, and forgets those gradients in ZeroGrad. Parameters without a gradient are skipped.
// Updates run on the parameters' memory directly (CPU, contiguous parameters, as nn creates
// them) and allocate nothing in steady state.
package optim

import (
	"fmt"
	"math"

	"github.com/ember-ml/ember/backend"
	"github.com/ember-ml/ember/tensor"
)

// Kind names an update rule.
type Kind string

// The update rules.
const (
	KindSGD     Kind = "SGD"
	KindAdam    Kind = "Adam"
	KindAdamW   Kind = "AdamW"
	KindRMSprop Kind = "RMSprop"
	KindAdagrad Kind = "Adagrad"
)

// Group is a set of parameters sharing hyperparameters, like an entry of PyTorch's
// optimizer.param_groups. Schedulers change LR (and Momentum or Beta1) between steps.
type Group struct {
	Params []*tensor.Tensor

	LR          float64
	WeightDecay float64
	// SGD and RMSprop.
	Momentum  float64
	Dampening float64
	Nesterov  bool
	// Adam and AdamW.
	Beta1, Beta2 float64
	AMSGrad      bool
	// Adam, AdamW, RMSprop, Adagrad.
	Eps float64
	// RMSprop.
	Alpha    float64
	Centered bool
	// Adagrad.
	LRDecay            float64
	InitialAccumulator float64

	// InitialLR is the learning rate a scheduler starts from (set by the scheduler).
	InitialLR float64
}

// Option sets a hyperparameter.
type Option func(*Group)

// LR sets the learning rate.
func LR(v float64) Option { return func(g *Group) { g.LR = v } }

// WeightDecay sets the L2 penalty (decoupled for AdamW).
func WeightDecay(v float64) Option { return func(g *Group) { g.WeightDecay = v } }

// Momentum sets SGD's or RMSprop's momentum.
func Momentum(v float64) Option { return func(g *Group) { g.Momentum = v } }

// Dampening sets SGD's dampening of the momentum.
func Dampening(v float64) Option { return func(g *Group) { g.Dampening = v } }

// Nesterov enables Nesterov momentum for SGD.
func Nesterov() Option { return func(g *Group) { g.Nesterov = true } }

// Betas sets Adam's coefficients for the running averages of the gradient and its square.
func Betas(b1, b2 float64) Option { return func(g *Group) { g.Beta1, g.Beta2 = b1, b2 } }

// Eps sets the term added to denominators for numerical stability.
func Eps(v float64) Option { return func(g *Group) { g.Eps = v } }

// AMSGrad enables the AMSGrad variant of Adam and AdamW.
func AMSGrad() Option { return func(g *Group) { g.AMSGrad = true } }

// Alpha sets RMSprop's smoothing constant.
func Alpha(v float64) Option { return func(g *Group) { g.Alpha = v } }

// Centered makes RMSprop normalise by the estimated variance of the gradient.
func Centered() Option { return func(g *Group) { g.Centered = true } }

// LRDecay sets Adagrad's learning-rate decay.
func LRDecay(v float64) Option { return func(g *Group) { g.LRDecay = v } }

// InitialAccumulator sets Adagrad's initial sum of squares.
func InitialAccumulator(v float64) Option { return func(g *Group) { g.InitialAccumulator = v } }

// Optimizer updates parameters from their gradients.
type Optimizer struct {
	kind     Kind
	defaults Group
	groups   []*Group
	state    map[*tensor.Tensor]*ParamState
}

// ParamState is the per-parameter state of an optimizer: the step count and buffers such as
// Adam's moments (nil where unused), stored like the parameter (same length and dtype).
type ParamState struct {
	Step int
	// Buffers by name: "momentum_buffer", "exp_avg", "exp_avg_sq", "max_exp_avg_sq",
	// "square_avg", "grad_avg", "sum".
	Buffers map[string]*tensor.Tensor
}

func newOptimizer(kind Kind, defaults Group, params []*tensor.Tensor, opts []Option) *Optimizer {
	for _, o := range opts {
		o(&defaults)
	}
	o := &Optimizer{kind: kind, defaults: defaults, state: map[*tensor.Tensor]*ParamState{}}
	o.AddParamGroup(params)
	return o
}

// SGD returns stochastic gradient descent with optional momentum, dampening, Nesterov
// momentum and weight decay (default lr 1e-3).
func SGD(params []*tensor.Tensor, opts ...Option) *Optimizer {
	return newOptimizer(KindSGD, Group{LR: 1e-3}, params, opts)
}

// Adam returns Adam with bias correction (defaults lr 1e-3, betas 0.9 and 0.999, eps 1e-8).
func Adam(params []*tensor.Tensor, opts ...Option) *Optimizer {
	return newOptimizer(KindAdam, Group{LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}, params, opts)
}

// AdamW returns Adam with decoupled weight decay (defaults as Adam, weight decay 1e-2).
func AdamW(params []*tensor.Tensor, opts ...Option) *Optimizer {
	return newOptimizer(KindAdamW, Group{LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, WeightDecay: 1e-2}, params, opts)
}

// RMSprop returns RMSprop (defaults lr 1e-2, alpha 0.99, eps 1e-8).
func RMSprop(params []*tensor.Tensor, opts ...Option) *Optimizer {
	return newOptimizer(KindRMSprop, Group{LR: 1e-2, Alpha: 0.99, Eps: 1e-8}, params, opts)
}

// Adagrad returns Adagrad (defaults lr 1e-2, eps 1e-10).
func Adagrad(params []*tensor.Tensor, opts ...Option) *Optimizer {
	return newOptimizer(KindAdagrad, Group{LR: 1e-2, Eps: 1e-10}, params, opts)
}

// ByName returns the optimizer for a lower-case name used on command lines: sgd, adam,
// adamw, rmsprop, adagrad.
func ByName(name string, params []*tensor.Tensor, opts ...Option) (*Optimizer, error) {
	switch name {
	case "sgd":
		return SGD(params, opts...), nil
	case "adam":
		return Adam(params, opts...), nil
	case "adamw":
		return AdamW(params, opts...), nil
	case "rmsprop":
		return RMSprop(params, opts...), nil
	case "adagrad":
		return Adagrad(params, opts...), nil
	}
	return nil, fmt.Errorf("unknown optimizer %q (want sgd, adam, adamw, rmsprop or adagrad)", name)
}

// AddParamGroup adds parameters with their own hyperparameters; unset ones take the
// optimizer's defaults. It panics on invalid values, as PyTorch raises.
func (o *Optimizer) AddParamGroup(params []*tensor.Tensor, opts ...Option) *Group {
	g := o.defaults
	g.Params = append([]*tensor.Tensor(nil), params...)
	for _, f := range opts {
		f(&g)
	}
	validate(o.kind, &g)
	seen := map[*tensor.Tensor]bool{}
	for _, p := range g.Params {
		if seen[p] {
			panic("optim: a parameter group contains the same parameter twice")
		}
		seen[p] = true
		for _, other := range o.groups {
			for _, q := range other.Params {
				if p == q {
					panic("optim: some parameters appear in more than one parameter group")
				}
			}
		}
		if !p.DType().IsFloat() {
			panic(fmt.Sprintf("optim: can only optimize floating-point tensors, got %v", p.DType()))
		}
	}
	o.groups = append(o.groups, &g)
	return &g
}

func validate(kind Kind, g *Group) {
	check := func(ok bool, what string, v float64) {
		if !ok {
			panic(fmt.Sprintf("optim: %s: invalid %s: %g", kind, what, v))
		}
	}
	check(g.LR >= 0, "learning rate", g.LR)
	check(g.WeightDecay >= 0, "weight_decay value", g.WeightDecay)
	check(g.Momentum >= 0, "momentum value", g.Momentum)
	check(g.Eps >= 0, "epsilon value", g.Eps)
	check(g.Beta1 >= 0 && g.Beta1 < 1, "beta parameter at index 0", g.Beta1)
	check(g.Beta2 >= 0 && g.Beta2 < 1, "beta parameter at index 1", g.Beta2)
	check(g.Alpha >= 0, "alpha value", g.Alpha)
	if g.Nesterov && (g.Momentum <= 0 || g.Dampening != 0) {
		panic("optim: SGD: Nesterov momentum requires a momentum and zero dampening")
	}
}

// Kind returns the update rule.
func (o *Optimizer) Kind() Kind { return o.kind }

// Groups returns the parameter groups; changing a group's fields changes later steps.
func (o *Optimizer) Groups() []*Group { return o.groups }

// State returns the state of parameter p, or nil before its first step.
func (o *Optimizer) State(p *tensor.Tensor) *ParamState { return o.state[p] }

// SetState replaces the state of parameter p (for resuming from a checkpoint).
func (o *Optimizer) SetState(p *tensor.Tensor, s *ParamState) { o.state[p] = s }

// ZeroGrad clears the gradients of all parameters (PyTorch's set_to_none behaviour).
func (o *Optimizer) ZeroGrad() {
	for _, g := range o.groups {
		for _, p := range g.Params {
			p.ZeroGrad()
		}
	}
}

// Step applies one update to every parameter that has a gradient.
func (o *Optimizer) Step() {
	for _, g := range o.groups {
		for _, p := range g.Params {
			grad := p.Grad()
			if grad == nil {
				continue
			}
			st := o.state[p]
			if st == nil {
				st = &ParamState{Buffers: map[string]*tensor.Tensor{}}
				o.state[p] = st
			}
			st.Step++
			switch p.DType() {
			case tensor.Float32:
				update[float32](o.kind, g, p, grad, st)
			default:
				update[float64](o.kind, g, p, grad, st)
			}
		}
	}
}

type float interface{ ~float32 | ~float64 }

// owns reports whether t is contiguous and covers its whole storage, so that its storage can
// be handed to a backend primitive as a flat buffer.
func owns(t *tensor.Tensor) bool {
	return t.IsContiguous() && t.Offset() == 0 && t.Numel() == t.Storage().Len()
}

// hostOf returns the writable elements of a parameter.
func hostOf[T float](p *tensor.Tensor) []T {
	var s []T
	switch any(s).(type) {
	case []float32:
		s = any(p.HostFloat32()).([]T)
	default:
		s = any(p.HostFloat64()).([]T)
	}
	if s == nil {
		panic(fmt.Sprintf("optim: parameter of shape %v is not a contiguous CPU tensor owning its storage", p.Shape()))
	}
	return s
}

// gradOf returns the gradient's elements in the parameter's dtype.
func gradOf[T float](p, g *tensor.Tensor) []T {
	if g.DType() == p.DType() && g.IsContiguous() {
		var s []T
		switch any(s).(type) {
		case []float32:
			s = any(g.HostFloat32()).([]T)
		default:
			s = any(g.HostFloat64()).([]T)
		}
		if s != nil {
			return s
		}
	}
	return hostOf[T](g.To(p.DType()).Contiguous().Clone())
}

// buffer returns the named state buffer, created filled with init on first use.
func buffer[T float](st *ParamState, p *tensor.Tensor, name string, init float64) (buf []T, fresh bool) {
	b, ok := st.Buffers[name]
	if !ok {
		b = tensor.FullOf(p.DType(), init, p.Shape()...)
		st.Buffers[name] = b
		fresh = true
	}
	return hostOf[T](b), fresh
}

func update[T float](kind Kind, g *Group, p, grad *tensor.Tensor, st *ParamState) {
	w := hostOf[T](p)
	d := gradOf[T](p, grad)
	lr, wd := g.LR, g.WeightDecay
	switch kind {
	case KindSGD:
		var buf []T
		fresh := false
		if g.Momentum != 0 {
			buf, fresh = buffer[T](st, p, "momentum_buffer", 0)
		}
		for i := range w {
			gi := float64(d[i])
			if wd != 0 {
				gi += wd * float64(w[i])
			}
			if g.Momentum != 0 {
				b := gi
				if !fresh {
					b = g.Momentum*float64(buf[i]) + (1-g.Dampening)*gi
				}
				buf[i] = T(b)
				if g.Nesterov {
					gi += g.Momentum * b
				} else {
					gi = b
				}
			}
			w[i] = T(float64(w[i]) - lr*gi)
		}
	case KindAdam, KindAdamW:
		m, _ := buffer[T](st, p, "exp_avg", 0)
		v, _ := buffer[T](st, p, "exp_avg_sq", 0)
		var vmax []T
		if g.AMSGrad {
			vmax, _ = buffer[T](st, p, "max_exp_avg_sq", 0)
		}
		b1, b2 := g.Beta1, g.Beta2
		bc1 := 1 - math.Pow(b1, float64(st.Step))
		bc2sqrt := math.Sqrt(1 - math.Pow(b2, float64(st.Step)))
		stepSize := lr / bc1
		if !g.AMSGrad {
			// The fused update runs on the parameter's backend (AVX-512 on the CPU); weight
			// decay is applied first, to w (AdamW) or to a copy of the gradient (Adam).
			gt := grad
			if grad.DType() != p.DType() || !owns(grad) {
				gt = grad.To(p.DType()).Contiguous().Clone()
			}
			if kind == KindAdamW && wd != 0 {
				f := T(1 - lr*wd)
				for i := range w {
					w[i] *= f
				}
			} else if wd != 0 {
				gt = tensor.ZerosLike(p) // the gradient itself is not changed
				dd := hostOf[T](gt)
				f := T(wd)
				for i := range dd {
					dd[i] = d[i] + f*w[i]
				}
			}
			p.Backend().Adam(p.Storage(), gt.Storage(), st.Buffers["exp_avg"].Storage(), st.Buffers["exp_avg_sq"].Storage(),
				backend.AdamParams{Beta1: b1, Beta2: b2, StepSize: stepSize, BC2Sqrt: bc2sqrt, Eps: g.Eps})
			return
		}
		for i := range w {
			wi, gi := float64(w[i]), float64(d[i])
			if kind == KindAdamW {
				wi *= 1 - lr*wd
			} else if wd != 0 {
				gi += wd * wi
			}
			mi := b1*float64(m[i]) + (1-b1)*gi
			vi := b2*float64(v[i]) + (1-b2)*gi*gi
			m[i], v[i] = T(mi), T(vi)
			if g.AMSGrad {
				vi = math.Max(float64(vmax[i]), vi)
				vmax[i] = T(vi)
			}
			denom := math.Sqrt(vi)/bc2sqrt + g.Eps
			w[i] = T(wi - stepSize*mi/denom)
		}
	case KindRMSprop:
		sq, _ := buffer[T](st, p, "square_avg", 0)
		var ga, mb []T
		if g.Centered {
			ga, _ = buffer[T](st, p, "grad_avg", 0)
		}
		if g.Momentum > 0 {
			mb, _ = buffer[T](st, p, "momentum_buffer", 0)
		}
		a := g.Alpha
		for i := range w {
			wi, gi := float64(w[i]), float64(d[i])
			if wd != 0 {
				gi += wd * wi
			}
			s := a*float64(sq[i]) + (1-a)*gi*gi
			sq[i] = T(s)
			var avg float64
			if g.Centered {
				gav := a*float64(ga[i]) + (1-a)*gi
				ga[i] = T(gav)
				avg = math.Sqrt(s-gav*gav) + g.Eps
			} else {
				avg = math.Sqrt(s) + g.Eps
			}
			if g.Momentum > 0 {
				b := g.Momentum*float64(mb[i]) + gi/avg
				mb[i] = T(b)
				w[i] = T(wi - lr*b)
			} else {
				w[i] = T(wi - lr*gi/avg)
			}
		}
	case KindAdagrad:
		sum, _ := buffer[T](st, p, "sum", g.InitialAccumulator)
		clr := lr / (1 + float64(st.Step-1)*g.LRDecay)
		for i := range w {
			wi, gi := float64(w[i]), float64(d[i])
			if wd != 0 {
				gi += wd * wi
			}
			s := float64(sum[i]) + gi*gi
			sum[i] = T(s)
			w[i] = T(wi - clr*gi/(math.Sqrt(s)+g.Eps))
		}
	}
}

// ClipGradNorm scales the gradients of params together so that their combined p-norm is at
// most maxNorm (p = 2 usually; math.Inf(1) for the largest absolute value), like
// torch.nn.utils.clip_grad_norm_, and returns the norm before clipping.
func ClipGradNorm(params []*tensor.Tensor, maxNorm, p float64) float64 {
	total := 0.0
	for _, q := range params {
		if g := q.Grad(); g != nil {
			for _, v := range g.Float64s() {
				a := math.Abs(v)
				if math.IsInf(p, 1) {
					total = math.Max(total, a)
				} else {
					total += math.Pow(a, p)
				}
			}
		}
	}
	if !math.IsInf(p, 1) {
		total = math.Pow(total, 1/p)
	}
	coef := maxNorm / (total + 1e-6)
	if coef < 1 {
		tensor.NoGrad(func() {
			for _, q := range params {
				if g := q.Grad(); g != nil {
					q.SetGrad(g.MulScalar(coef))
				}
			}
		})
	}
	return total
}

// ClipGradValue clamps every gradient element of params to [-clip, clip].
func ClipGradValue(params []*tensor.Tensor, clip float64) {
	tensor.NoGrad(func() {
		for _, q := range params {
			if g := q.Grad(); g != nil {
				q.SetGrad(g.Clamp(-clip, clip))
			}
		}
	})
}
