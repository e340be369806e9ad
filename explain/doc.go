// Package explain shows what a trained network looks at: input-gradient saliency maps,
// integrated gradients and Grad-CAM, for any nn.Module on a batch of inputs. plot.Heatmaps
// draws the maps over the images.
//
// Rules:
//   - Every function takes a batch x [N, …] and explains one output of the model per sample:
//     column class of its [N, K] scores (logits), or each sample's top class with Predicted;
//     a model with one output per sample (a binary logit, [N] or [N, 1]) has class 0.
//   - The model runs in evaluation mode (the functions call nn.Eval, as plot.ModuleProba
//     does); gradients are recorded even inside tensor.NoGrad, and the parameters'
//     gradients are left as they were. x is not modified; it is converted to the dtype of
//     the model's parameters.
//   - Bad input (nil, NaN, wrong shapes, a class out of range, a model that panics on x) is
//     an error, never a panic.
//   - Numbers follow PyTorch: the golden test replays a hook-based Grad-CAM, saliency and
//     integrated gradients written in PyTorch 1.13 on a fixed CNN
//     (testdata/golden/gen_explain.py).
//
// nn has no forward hooks. GradCAM captures the chosen layer's output by swapping a
// recording wrapper into the layer's place (an interface-typed field or slice element, such
// as a layer of nn.Sequential) for one forward pass; models that hold the layer in a
// concrete-typed field can return the activations themselves through GradCAMFrom.
package explain
