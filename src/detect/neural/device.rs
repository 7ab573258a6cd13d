//! The device is chosen once: the GPU with the `cuda` feature when one answers, else the CPU
//! (with a message saying why, since the analyst asked for a GPU build). `VIGIL_DEVICE=cpu`
//! keeps a GPU build on the CPU (the GPU benchmark compares the two in one binary). A GPU that
//! fails during training is given up for the rest of the process (`fall_back_to_cpu`): the
//! caller trains again on the CPU.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

use candle_core::Device;

/// Which device the networks run on, as the window names it (in either language, `words`);
/// its `Display` is the English.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ComputeDevice {
    Cpu {
        threads: usize,
    },
    /// A CUDA GPU, by its ordinal.
    Gpu {
        ordinal: usize,
    },
}

impl std::fmt::Display for ComputeDevice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ComputeDevice::Cpu { threads } => write!(f, "CPU ({threads} threads)"),
            ComputeDevice::Gpu { ordinal } => write!(f, "GPU (CUDA device {ordinal})"),
        }
    }
}

static DEVICE: OnceLock<(Device, ComputeDevice)> = OnceLock::new();
static CPU: OnceLock<(Device, ComputeDevice)> = OnceLock::new();
static GAVE_UP_GPU: AtomicBool = AtomicBool::new(false);

fn cpu() -> &'static (Device, ComputeDevice) {
    CPU.get_or_init(|| {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        (Device::Cpu, ComputeDevice::Cpu { threads })
    })
}

fn choose() -> (Device, ComputeDevice) {
    #[cfg(feature = "cuda")]
    if std::env::var("VIGIL_DEVICE").is_ok_and(|d| d.eq_ignore_ascii_case("cpu")) {
        eprintln!("vigil: VIGIL_DEVICE=cpu: training on the CPU");
    } else {
        match Device::new_cuda(0) {
            Ok(d) => return (d, ComputeDevice::Gpu { ordinal: 0 }),
            Err(e) => eprintln!(
                "vigil: built with cuda but no GPU could be used ({e}); training on the CPU"
            ),
        }
    }
    cpu().clone()
}

fn current() -> &'static (Device, ComputeDevice) {
    // Whichever device: tensors on the CPU (the inputs of every batch) are allocated per step.
    crate::memory::reuse_tensor_buffers();
    if GAVE_UP_GPU.load(Ordering::Relaxed) {
        cpu()
    } else {
        DEVICE.get_or_init(choose)
    }
}

pub fn compute_device() -> &'static Device {
    &current().0
}

/// What the status bar shows: "CPU (2 threads)" or the GPU.
pub fn device_name() -> ComputeDevice {
    current().1
}

/// Whether networks are on a GPU now.
pub fn on_gpu() -> bool {
    !compute_device().is_cpu()
}

/// Gives the GPU up after it failed: from now on every network is built on the CPU. Returns
/// whether there was a GPU to give up (false: the failure was not the GPU's).
pub fn fall_back_to_cpu() -> bool {
    let was_gpu = on_gpu();
    GAVE_UP_GPU.store(true, Ordering::Relaxed);
    was_gpu
}
