//! What every panel is: it draws from the frame's view and asks for changes with commands.

use eframe::egui;

use crate::gui::command::Command;
use crate::gui::view::View;

pub trait Panel {
    fn ui(&mut self, ui: &mut egui::Ui, view: &View<'_>, out: &mut Vec<Command>);
}
