//! A cache whose entries vanish when their values die: `weakrefs` alone.
//!
//! The program owns its values (decoded "images") in a plain map and names
//! them by id. A `WeakValueDictionary` maps file names to image ids without
//! keeping the images alive. When the program drops an image, it tells the
//! registry; the registry clears the weak references and hands back the
//! callbacks due, which the program routes to the cache (CPython's
//! `_remove`). An iteration in progress defers the removal until it ends.
//!
//! Run with `cargo run -p weakrefs --example weak_cache`.

use std::collections::HashMap;

use weakrefs::{Kind, Registry, WeakError, WeakValueDictionary};

/// Callbacks are plain data: which container to tell.
#[derive(Clone, Copy, Debug)]
enum Callback {
    Cache,
}

type ImageId = u32;

struct App {
    images: HashMap<ImageId, Vec<u8>>,
    next: ImageId,
    registry: Registry<ImageId, (), Callback>,
    cache: WeakValueDictionary<String, ImageId>,
}

impl App {
    fn new() -> Self {
        Self {
            images: HashMap::new(),
            next: 1,
            registry: Registry::new(),
            cache: WeakValueDictionary::new(),
        }
    }

    /// Decode (here: fake) an image, or reuse the cached one.
    fn load(&mut self, name: &str) -> Result<ImageId, WeakError> {
        if let Some(id) = self.cache.get(&mut self.registry, &name.to_owned()) {
            println!("{name}: cache hit (image {id})");
            return Ok(id);
        }
        let id = self.next;
        self.next += 1;
        self.images.insert(id, vec![0; name.len() * 1024]);
        let kind = Kind::builtin("Image");
        self.cache.insert(
            &mut self.registry,
            name.to_owned(),
            id,
            &kind,
            Callback::Cache,
            (),
        )?;
        println!("{name}: decoded as image {id}");
        Ok(id)
    }

    /// The last user of an image let go of it.
    fn drop_image(&mut self, id: ImageId) {
        self.images.remove(&id);
        for due in self.registry.clear_referent(id) {
            match due.callback {
                Callback::Cache => self.cache.remove_dead(&mut self.registry, due.id),
            }
        }
    }
}

fn main() -> Result<(), WeakError> {
    let mut app = App::new();
    let logo = app.load("logo.png")?;
    let banner = app.load("banner.png")?;
    app.load("logo.png")?;
    println!("cached: {}", app.cache.len(&mut app.registry));

    app.drop_image(logo);
    println!(
        "after dropping the logo, cached: {}",
        app.cache.len(&mut app.registry)
    );
    let logo_again = app.load("logo.png")?;
    assert_ne!(logo, logo_again);

    // Dying while an iteration is in progress: the entry is skipped at once
    // and removed when the iteration ends.
    let mut cursor = app.cache.iter_begin(&mut app.registry);
    app.drop_image(banner);
    let mut names = Vec::new();
    while let Some((name, _)) = app.cache.iter_next(&mut app.registry, &mut cursor)? {
        names.push(name);
    }
    println!("live entries seen while iterating: {names:?}");
    println!("cached: {}", app.cache.len(&mut app.registry));
    assert_eq!(app.cache.len(&mut app.registry), 1);
    assert_eq!(app.registry.len(), 1);
    Ok(())
}
