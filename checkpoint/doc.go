// Package checkpoint saves and restores models and training runs, as torch.save and
// load_state_dict do: model files (a state dict under PyTorch's names, with the architecture in
// the metadata so LoadModel can rebuild the model) and checkpoints (model, optimizer,
// scheduler, random generator and history, enough to resume a run bit for bit).
//
// Both are safetensors files written atomically through package serialize, which knows the
// file formats and nothing about models; this package sits above nn and optim.
package checkpoint
