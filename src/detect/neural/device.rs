//! The device is chosen once: the GPU with the `cuda` feature when one answers, else the CPU
//! (with a message saying why, since the analyst asked for a GPU build). `VIGIL_DEVICE=cpu`
//! keeps a GPU build on the CPU (the GPU benchmark compares the two in one binary).

use std::sync::OnceLock;

use candle_core::Device;

static DEVICE: OnceLock<(Device, String)> = OnceLock::new();

fn choose() -> (Device, String) {
    #[cfg(feature = "cuda")]
    if std::env::var("VIGIL_DEVICE").is_ok_and(|d| d.eq_ignore_ascii_case("cpu")) {
        eprintln!("vigil: VIGIL_DEVICE=cpu: training on the CPU");
    } else {
        match Device::new_cuda(0) {
            Ok(d) => return (d, "GPU (CUDA device 0)".to_string()),
            Err(e) => eprintln!(
                "vigil: built with cuda but no GPU could be used ({e}); training on the CPU"
            ),
        }
    }
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    (Device::Cpu, format!("CPU ({threads} threads)"))
}

pub fn compute_device() -> &'static Device {
    &DEVICE.get_or_init(choose).0
}

/// What the top bar shows: "CPU (2 threads)" or the GPU.
pub fn device_name() -> &'static str {
    &DEVICE.get_or_init(choose).1
}
