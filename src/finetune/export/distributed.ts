/** How a cluster run spreads over GPUs. */
export type Distributed = 'none' | 'deepspeed' | 'fsdp';

/**
 * A DeepSpeed ZeRO config in the Hugging Face Trainer style: "auto" values are filled from the
 * training arguments, so one file serves any batch size. Stage 2 suits LoRA; stage 3 shards
 * the weights too, for full fine-tuning of models that do not fit one GPU.
 */
export function deepspeedConfig(stage: 2 | 3): Record<string, unknown> {
  const zero: Record<string, unknown> = {
    stage,
    overlap_comm: false,
    contiguous_gradients: true,
    reduce_bucket_size: 'auto',
  };
  if (stage === 2) Object.assign(zero, { allgather_partitions: true, allgather_bucket_size: 5e8, reduce_scatter: true });
  else {
    Object.assign(zero, {
      sub_group_size: 1e9,
      stage3_prefetch_bucket_size: 'auto',
      stage3_param_persistence_threshold: 'auto',
      stage3_max_live_parameters: 1e9,
      stage3_max_reuse_distance: 1e9,
      stage3_gather_16bit_weights_on_model_save: true,
    });
  }
  return {
    train_batch_size: 'auto',
    train_micro_batch_size_per_gpu: 'auto',
    gradient_accumulation_steps: 'auto',
    gradient_clipping: 'auto',
    zero_allow_untested_optimizer: true,
    fp16: { enabled: 'auto', loss_scale: 0, loss_scale_window: 1000, initial_scale_power: 16, hysteresis: 2, min_loss_scale: 1 },
    bf16: { enabled: 'auto' },
    zero_optimization: zero,
  };
}
