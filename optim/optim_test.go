package optim_test

import (
	"math"
	"testing"

	"github.com/ember-ml/ember/optim"
	"github.com/ember-ml/ember/optim/lr"
	"github.com/ember-ml/ember/tensor"
	"github.com/ember-ml/ember/tensor/tensortest"
)

type goldenFile struct {
	X, Y, W0, B0 []float64
	Optimizers   []struct {
		Name       string
		Optimizer  string
		Options    map[string]any
		DType      string
		Trajectory []struct{ W, B []float64 }
	}
	Schedulers []struct {
		Name      string
		Scheduler string
		Optimizer string
		Options   map[string]any
		LRs       [][]float64
		Momenta   [][]float64
	}
	Plateau []struct {
		Options map[string]any
		Metrics []float64
		LRs     []float64
	}
}

func load(t *testing.T) goldenFile {
	var f goldenFile
	if err := tensortest.LoadJSON("../testdata/golden/optim.json", &f); err != nil {
		t.Fatal(err)
	}
	return f
}

func options(kw map[string]any) (opts []optim.Option, groupLR float64) {
	for k, v := range kw {
		switch k {
		case "lr":
			opts = append(opts, optim.LR(v.(float64)))
		case "momentum":
			opts = append(opts, optim.Momentum(v.(float64)))
		case "dampening":
			opts = append(opts, optim.Dampening(v.(float64)))
		case "weight_decay":
			opts = append(opts, optim.WeightDecay(v.(float64)))
		case "nesterov":
			opts = append(opts, optim.Nesterov())
		case "betas":
			b := v.([]any)
			opts = append(opts, optim.Betas(b[0].(float64), b[1].(float64)))
		case "amsgrad":
			opts = append(opts, optim.AMSGrad())
		case "centered":
			opts = append(opts, optim.Centered())
		case "lr_decay":
			opts = append(opts, optim.LRDecay(v.(float64)))
		case "initial_accumulator_value":
			opts = append(opts, optim.InitialAccumulator(v.(float64)))
		case "group_lr":
			groupLR = v.(float64)
		}
	}
	return opts, groupLR
}

// TestOptimizersFollowPyTorchTrajectories replays testdata/golden/gen_optim.py.
func TestOptimizersFollowPyTorchTrajectories(t *testing.T) {
	f := load(t)
	for _, c := range f.Optimizers {
		t.Run(c.Name, func(t *testing.T) {
			dt := tensor.Float32
			rtol, atol := 2e-5, 2e-6
			if c.DType == "float64" {
				dt, rtol, atol = tensor.Float64, 1e-10, 1e-12
			}
			X := tensor.FromSlice(f.X, 6, 3).To(dt)
			Y := tensor.FromSlice(f.Y, 6, 2).To(dt)
			W := tensor.FromSlice(f.W0, 2, 3).To(dt).SetRequiresGrad(true)
			b := tensor.FromSlice(f.B0, 2).To(dt).SetRequiresGrad(true)
			opts, groupLR := options(c.Options)
			var opt *optim.Optimizer
			params := []*tensor.Tensor{W, b}
			if groupLR != 0 {
				params = params[:1]
			}
			switch c.Optimizer {
			case "SGD":
				opt = optim.SGD(params, opts...)
			case "Adam":
				opt = optim.Adam(params, opts...)
			case "AdamW":
				opt = optim.AdamW(params, opts...)
			case "RMSprop":
				opt = optim.RMSprop(params, opts...)
			case "Adagrad":
				opt = optim.Adagrad(params, opts...)
			}
			if groupLR != 0 {
				opt.AddParamGroup([]*tensor.Tensor{b}, optim.LR(groupLR))
			}
			for step, want := range c.Trajectory {
				opt.ZeroGrad()
				d := X.MatMul(W.T()).Add(b).Sub(Y)
				loss := d.Mul(d).Sum().Add(W.MulScalar(3).Sin().Sum().MulScalar(0.1))
				loss.Backward()
				opt.Step()
				if err := tensortest.Close(W, tensor.FromSlice(want.W, 2, 3).To(dt), rtol, atol); err != nil {
					t.Fatalf("step %d: W: %v", step+1, err)
				}
				if err := tensortest.Close(b, tensor.FromSlice(want.B, 2).To(dt), rtol, atol); err != nil {
					t.Fatalf("step %d: b: %v", step+1, err)
				}
			}
		})
	}
}

func intOpt(m map[string]any, k string) int { return int(m[k].(float64)) }

func TestSchedulersMatchPyTorch(t *testing.T) {
	f := load(t)
	for _, c := range f.Schedulers {
		t.Run(c.Name, func(t *testing.T) {
			p1, p2 := tensor.Zeros(1).SetRequiresGrad(true), tensor.Zeros(1).SetRequiresGrad(true)
			var opt *optim.Optimizer
			if c.Optimizer == "SGD" {
				opt = optim.SGD([]*tensor.Tensor{p1}, optim.LR(0.1), optim.Momentum(0.9))
			} else {
				opt = optim.Adam([]*tensor.Tensor{p1}, optim.LR(0.1))
			}
			opt.AddParamGroup([]*tensor.Tensor{p2}, optim.LR(0.05))
			o := c.Options
			var s lr.Scheduler
			switch c.Scheduler {
			case "step":
				s = lr.StepLR(opt, intOpt(o, "step_size"), o["gamma"].(float64))
			case "multistep":
				var ms []int
				for _, m := range o["milestones"].([]any) {
					ms = append(ms, int(m.(float64)))
				}
				s = lr.MultiStepLR(opt, ms, o["gamma"].(float64))
			case "exponential":
				s = lr.ExponentialLR(opt, o["gamma"].(float64))
			case "cosine":
				s = lr.CosineAnnealingLR(opt, intOpt(o, "T_max"), o["eta_min"].(float64))
			case "linear":
				s = lr.LinearLR(opt, o["start_factor"].(float64), o["end_factor"].(float64), intOpt(o, "total_iters"))
			case "onecycle":
				s = lr.OneCycleLR(opt, o["max_lr"].(float64), intOpt(o, "total_steps"), lr.OneCycleOptions{})
			}
			for i, want := range c.LRs {
				got := s.LastLR()
				for g := range want {
					if math.Abs(got[g]-want[g]) > 1e-9*math.Max(1, want[g]) {
						t.Fatalf("step %d group %d: lr %v, want %v", i, g, got[g], want[g])
					}
					m := opt.Groups()[g].Momentum
					if c.Optimizer == "Adam" {
						m = opt.Groups()[g].Beta1
					}
					if math.Abs(m-c.Momenta[i][g]) > 1e-9 {
						t.Fatalf("step %d group %d: momentum %v, want %v", i, g, m, c.Momenta[i][g])
					}
				}
				if i < len(c.LRs)-1 {
					s.Step()
				}
			}
		})
	}
}

func TestReduceLROnPlateauMatchesPyTorch(t *testing.T) {
	f := load(t)
	for i, c := range f.Plateau {
		opt := optim.SGD([]*tensor.Tensor{tensor.Zeros(1).SetRequiresGrad(true)}, optim.LR(0.1))
		o := lr.PlateauOptions{}
		for k, v := range c.Options {
			switch k {
			case "patience":
				o.Patience = int(v.(float64))
				o.ZeroPatience = o.Patience == 0
			case "cooldown":
				o.Cooldown = int(v.(float64))
			case "factor":
				o.Factor = v.(float64)
			case "min_lr":
				o.MinLR = v.(float64)
			case "mode":
				o.Mode = v.(string)
			case "threshold":
				o.Threshold = v.(float64)
			case "threshold_mode":
				o.ThresholdMode = v.(string)
			}
		}
		s := lr.ReduceLROnPlateau(opt, o)
		for k, m := range c.Metrics {
			s.Step(m)
			if got := s.LastLR()[0]; math.Abs(got-c.LRs[k]) > 1e-12 {
				t.Fatalf("case %d step %d: lr %v, want %v", i, k, got, c.LRs[k])
			}
		}
	}
}

func TestClipGradNorm(t *testing.T) {
	a := tensor.FromSlice([]float32{3, 0}).SetRequiresGrad(true)
	b := tensor.FromSlice([]float32{0, 4}).SetRequiresGrad(true)
	a.Mul(a).Sum().MulScalar(0.5).Add(b.Mul(b).Sum().MulScalar(0.5)).Backward() // grads = values
	norm := optim.ClipGradNorm([]*tensor.Tensor{a, b}, 1, 2)
	if math.Abs(norm-5) > 1e-6 {
		t.Fatalf("total norm %v, want 5", norm)
	}
	if g := a.Grad().Float32s()[0]; math.Abs(float64(g)-0.6) > 1e-5 {
		t.Fatalf("clipped grad %v, want 0.6", g)
	}
	optim.ClipGradValue([]*tensor.Tensor{b}, 0.1)
	if g := b.Grad().Float32s()[1]; g != 0.1 {
		t.Fatalf("value-clipped grad %v, want 0.1", g)
	}
}

func TestInvalidHyperparametersPanic(t *testing.T) {
	for name, f := range map[string]func(){
		"negative lr":           func() { optim.SGD(nil, optim.LR(-1)) },
		"nesterov w/o momentum": func() { optim.SGD(nil, optim.Nesterov()) },
		"beta out of range":     func() { optim.Adam(nil, optim.Betas(1, 0.9)) },
		"duplicate param": func() {
			p := tensor.Zeros(1).SetRequiresGrad(true)
			optim.Adam([]*tensor.Tensor{p, p})
		},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}

func TestStepSkipsParamsWithoutGrad(t *testing.T) {
	p := tensor.Ones(2).SetRequiresGrad(true)
	opt := optim.Adam([]*tensor.Tensor{p})
	opt.Step()
	if p.Float32s()[0] != 1 || opt.State(p) != nil {
		t.Fatal("a parameter without a gradient was updated")
	}
}
