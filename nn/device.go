package nn

import "github.com/ember-ml/ember/tensor"

// To moves m's parameters and buffers, with their gradients, to dev in place, like PyTorch's
// module.to(device): each tensor keeps its identity (an optimizer built earlier still updates
// it) and its requires-grad flag, and takes a copy of its values on dev. Tensors that m keeps
// in unexported fields are not found and do not move. Moving to the meta device drops the
// values; moving from it panics, as there are none to copy.
func To(m any, dev tensor.Device) {
	seen := map[*tensor.Tensor]bool{}
	for _, e := range NamedTensors(m) {
		t := e.Tensor
		if seen[t] || t.Device() == dev {
			continue
		}
		seen[t] = true
		g := t.Grad()
		t.SetData(t.Detach().To(dev))
		if g != nil {
			t.SetGrad(g.Detach().To(dev))
		}
	}
}
