package tensor

import (
	"fmt"
	"math"

	"github.com/ember-ml/ember/backend"
)

// Grad-fn names of unary ops.
var (
	opNeg       = defOp("NegBackward0")
	opExp       = defOp("ExpBackward0")
	opLog       = defOp("LogBackward0")
	opLog1p     = defOp("Log1PBackward0")
	opSqrt      = defOp("SqrtBackward0")
	opRsqrt     = defOp("RsqrtBackward0")
	opAbs       = defOp("AbsBackward0")
	opSign      = defOp("SignBackward0")
	opSin       = defOp("SinBackward0")
	opCos       = defOp("CosBackward0")
	opTanh      = defOp("TanhBackward0")
	opSigmoid   = defOp("SigmoidBackward0")
	opReLU      = defOp("ReluBackward0")
	opLeakyReLU = defOp("LeakyReluBackward0")
	opELU       = defOp("EluBackward0")
	opGELU      = defOp("GeluBackward0")
	opSiLU      = defOp("SiluBackward0")
	opSoftplus  = defOp("SoftplusBackward0")
	opClamp     = defOp("ClampBackward1")
	opErf       = defOp("ErfBackward0")
	opPowScalar = defOp("PowBackward0")
)

// unaryKernel applies op to t; floatOnly ops turn integer input into float32 first, as
// PyTorch does for exp, log and friends.
func unaryKernel(name string, op backend.UnaryOp, p backend.UnaryParams, t *Tensor, floatOnly bool) *Tensor {
	src := t
	if floatOnly && !t.DType().IsFloat() {
		src = t.plain().To(Float32)
	}
	if src.DType() == Bool && op != backend.Not {
		panic(fmt.Sprintf("%s: not implemented for bool tensors", name))
	}
	out := src.zeros(src.DType(), src.layout.Shape...)
	out.be().Unary(op, p, out.storage, src.storage, src.layout)
	return out
}

func (t *Tensor) unary(name, gradName string, op backend.UnaryOp, p backend.UnaryParams, floatOnly bool, grad func(g, out *Tensor) *Tensor) *Tensor {
	out := unaryKernel(name, op, p, t, floatOnly)
	return record(gradName, out, []*Tensor{t}, func(g *Tensor) []*Tensor { return []*Tensor{grad(g, out)} })
}

var none backend.UnaryParams

// Neg returns -t.
func (t *Tensor) Neg() *Tensor {
	return t.unary("neg", opNeg, backend.Neg, none, false, func(g, _ *Tensor) *Tensor { return g.Neg() })
}

// Exp returns eᵗ.
func (t *Tensor) Exp() *Tensor {
	return t.unary("exp", opExp, backend.Exp, none, true, func(g, out *Tensor) *Tensor { return g.Mul(out) })
}

// Log returns the natural logarithm; log(0) = -inf and log of a negative number is NaN.
func (t *Tensor) Log() *Tensor {
	return t.unary("log", opLog, backend.Log, none, true, func(g, _ *Tensor) *Tensor { return g.Div(t) })
}

// Log1p returns log(1 + t), accurate for small t.
func (t *Tensor) Log1p() *Tensor {
	return t.unary("log1p", opLog1p, backend.Log1p, none, true, func(g, _ *Tensor) *Tensor { return g.Div(t.AddScalar(1)) })
}

// Sqrt returns √t; its gradient at 0 is +inf, as in PyTorch.
func (t *Tensor) Sqrt() *Tensor {
	return t.unary("sqrt", opSqrt, backend.Sqrt, none, true, func(g, out *Tensor) *Tensor { return g.Div(out.MulScalar(2)) })
}

// Rsqrt returns 1/√t.
func (t *Tensor) Rsqrt() *Tensor {
	return t.unary("rsqrt", opRsqrt, backend.Rsqrt, none, true, func(g, out *Tensor) *Tensor {
		return g.Mul(out.Mul(out).Mul(out)).MulScalar(-0.5)
	})
}

// Abs returns |t|; its gradient at 0 is 0.
func (t *Tensor) Abs() *Tensor {
	return t.unary("abs", opAbs, backend.Abs, none, false, func(g, _ *Tensor) *Tensor { return g.Mul(t.Sign()) })
}

// Sign returns -1, 0 or 1 (NaN stays NaN); its gradient is 0.
func (t *Tensor) Sign() *Tensor {
	return t.unary("sign", opSign, backend.Sign, none, false, func(g, _ *Tensor) *Tensor { return ZerosLike(g) })
}

// Sin returns sin t.
func (t *Tensor) Sin() *Tensor {
	return t.unary("sin", opSin, backend.Sin, none, true, func(g, _ *Tensor) *Tensor { return g.Mul(t.Cos()) })
}

// Cos returns cos t.
func (t *Tensor) Cos() *Tensor {
	return t.unary("cos", opCos, backend.Cos, none, true, func(g, _ *Tensor) *Tensor { return g.Mul(t.Sin()).Neg() })
}

// Tanh returns tanh t.
func (t *Tensor) Tanh() *Tensor {
	return t.unary("tanh", opTanh, backend.Tanh, none, true, func(g, out *Tensor) *Tensor {
		return g.Mul(out.Mul(out).RSubScalar(1))
	})
}

// Sigmoid returns 1/(1+e⁻ᵗ), computed without overflow.
func (t *Tensor) Sigmoid() *Tensor {
	return t.unary("sigmoid", opSigmoid, backend.Sigmoid, none, true, func(g, out *Tensor) *Tensor {
		return g.Mul(out.Mul(out.RSubScalar(1)))
	})
}

// ReLU returns max(t, 0). Its gradient at 0 is 0, as in PyTorch.
func (t *Tensor) ReLU() *Tensor {
	return t.unary("relu", opReLU, backend.ReLU, none, false, func(g, out *Tensor) *Tensor {
		if g.DType() != out.DType() || !g.DType().IsFloat() {
			return g.Mul(out.GtScalar(0).To(g.DType()))
		}
		return binaryKernel("relu", backend.ReLUGrad, g, out, g.DType()) // g where out > 0, else 0
	})
}

// LeakyReLU returns t where t > 0 and slope·t elsewhere (PyTorch's default slope is 0.01).
func (t *Tensor) LeakyReLU(slope float64) *Tensor {
	return t.unary("leaky_relu", opLeakyReLU, backend.LeakyReLU, backend.UnaryParams{A: slope}, true, func(g, _ *Tensor) *Tensor {
		return Where(t.GtScalar(0), g, g.MulScalar(slope))
	})
}

// ELU returns t where t > 0 and alpha·(eᵗ-1) elsewhere (PyTorch's default alpha is 1).
func (t *Tensor) ELU(alpha float64) *Tensor {
	return t.unary("elu", opELU, backend.ELU, backend.UnaryParams{A: alpha}, true, func(g, _ *Tensor) *Tensor {
		return Where(t.GtScalar(0), g, g.Mul(t.Exp()).MulScalar(alpha))
	})
}

// GELU returns t·Φ(t) with the exact normal CDF, like nn.GELU().
func (t *Tensor) GELU() *Tensor {
	return t.unary("gelu", opGELU, backend.GELU, none, true, func(g, _ *Tensor) *Tensor {
		cdf := t.MulScalar(1 / math.Sqrt2).Erf().AddScalar(1).MulScalar(0.5)
		pdf := t.Mul(t).MulScalar(-0.5).Exp().MulScalar(1 / math.Sqrt(2*math.Pi))
		return g.Mul(cdf.Add(t.Mul(pdf)))
	})
}

// GELUTanh returns the tanh approximation of GELU, like nn.GELU(approximate='tanh').
func (t *Tensor) GELUTanh() *Tensor {
	return t.unary("gelu", opGELU, backend.GELUTanh, none, true, func(g, _ *Tensor) *Tensor {
		const kappa = 0.044715
		beta := math.Sqrt(2 / math.Pi)
		x2 := t.Mul(t)
		th := t.Add(x2.Mul(t).MulScalar(kappa)).MulScalar(beta).Tanh()
		left := th.AddScalar(1).MulScalar(0.5)
		right := t.MulScalar(0.5).Mul(th.Mul(th).RSubScalar(1)).Mul(x2.MulScalar(3 * kappa).AddScalar(1)).MulScalar(beta)
		return g.Mul(left.Add(right))
	})
}

// SiLU returns t·sigmoid(t) (also called swish).
func (t *Tensor) SiLU() *Tensor {
	return t.unary("silu", opSiLU, backend.SiLU, none, true, func(g, _ *Tensor) *Tensor {
		s := t.Sigmoid()
		return g.Mul(s.Mul(t.Mul(s.RSubScalar(1)).AddScalar(1)))
	})
}

// Softplus returns log(1+e^(beta·t))/beta, or t where beta·t > threshold
// (PyTorch's defaults: beta 1, threshold 20).
func (t *Tensor) Softplus(beta, threshold float64) *Tensor {
	return t.unary("softplus", opSoftplus, backend.Softplus, backend.UnaryParams{A: beta, B: threshold}, true, func(g, _ *Tensor) *Tensor {
		return Where(t.MulScalar(beta).GtScalar(threshold), g, g.Mul(t.MulScalar(beta).Sigmoid()))
	})
}

// Clamp limits t to [lo, hi]; use math.Inf for a missing bound. NaN stays NaN. The gradient
// passes where lo ≤ t ≤ hi.
func (t *Tensor) Clamp(lo, hi float64) *Tensor {
	return t.unary("clamp", opClamp, backend.Clamp, backend.UnaryParams{A: lo, B: hi}, false, func(g, _ *Tensor) *Tensor {
		return g.Mul(t.GeScalar(lo).LogicalAnd(t.LeScalar(hi)).To(g.DType()))
	})
}

// Erf returns the error function of t.
func (t *Tensor) Erf() *Tensor {
	return t.unary("erf", opErf, backend.Erf, none, true, func(g, _ *Tensor) *Tensor {
		return g.Mul(t.Mul(t).Neg().Exp().MulScalar(2 / math.Sqrt(math.Pi)))
	})
}

// Floor returns ⌊t⌋ (no gradient flows through rounding).
func (t *Tensor) Floor() *Tensor {
	if !t.DType().IsFloat() {
		return t
	}
	return unaryKernel("floor", backend.Floor, none, t, true)
}

// Round returns t rounded to the nearest integer, halves to even, like torch.round (no
// gradient flows through rounding; integer tensors are returned as they are).
func (t *Tensor) Round() *Tensor {
	if !t.DType().IsFloat() {
		return t
	}
	return unaryKernel("round", backend.Round, none, t, true)
}

// PowScalar returns tᵉ. As in PyTorch, the gradient is 0 when e is 0.
func (t *Tensor) PowScalar(e float64) *Tensor {
	out := t.plain().Pow(scalarLike(t, e))
	return record(opPowScalar, out, []*Tensor{t}, func(g *Tensor) []*Tensor {
		if e == 0 {
			return []*Tensor{ZerosLike(g)}
		}
		return []*Tensor{g.Mul(t.PowScalar(e - 1)).MulScalar(e)}
	})
}

// Square returns t·t.
func (t *Tensor) Square() *Tensor { return t.Mul(t) }

// Reciprocal returns 1/t.
func (t *Tensor) Reciprocal() *Tensor { return scalarLike(t, 1).Div(t) }
